// The push constants of the matmul shaders (MatmulPush in VulkanMatmul.cpp). One dispatch covers one
// window of the weight (its rows are output columns firstWeightRow ..) and one window of the output
// (its rows are tokens firstToken .. of x; x is bound whole).
layout(push_constant) uniform Parameters {
    uint columns; // elements per weight row = per x row
    uint rowBytes; // bytes per weight row
    uint weightRows; // weight rows in this window
    uint firstWeightRow;
    uint tokens; // output rows in this window
    uint firstToken;
    uint outColumns; // floats per output row
    uint xStride; // floats per x row (matmul_input.glsl)
    uint sumOrder; // matmul_lanes.glsl (matmul_rows.comp and matmul_ordered.comp only)
    uint pairedTokens; // matmul_k_lanes.glsl (matmul_rows.comp and matmul_ordered.comp only)
};

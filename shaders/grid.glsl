// The index of this invocation among all of a one-dimensional dispatch whose workgroup count
// VulkanBackend::groupsFor may have folded into two axes (the last row of workgroups can run past
// the end: shaders compare the index with their element count).
uint flatInvocationIndex()
{
    const uint group = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    return group * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
}

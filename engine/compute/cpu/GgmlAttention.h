#pragma once

#include "compute/cpu/GgmlMath.h"
#include "quant/Half.h"

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

// One query head of attention, computed as llama.cpp's CPU backend (AVX2 build, flash attention off)
// computes it, so that it rounds the same (GgmlMath.h says why that matters). llama.cpp multiplies the
// whole KV cache, n_kv rows (a multiple of 32), with every query and masks the invisible rows to
// probability 0. The lanes a row lands in depend on its index in that cache, so the rows here are
// numbered from 0 too; the masked ones are left out, which gives the same sums as their zero products.
namespace glassbox::compute::ggml
{

struct AttentionHead {
    std::size_t headDim;
    std::size_t first; // the visible cache rows: [first, end)
    std::size_t end;
    float scale;
    float softcap; // 0: none
    bool scaleQuery; // the scale multiplies the query (llama.cpp's Gemma graphs), not the products
    bool halfKeys; // an F16 K cache: ggml rounds the query to F16 first
    bool halfValues; // an F16 V cache: ggml rounds the probabilities to F16 first
    bool batch; // more than one query row: llamafile's tinyBLAS takes the products
};

class AttentionScratch
{
public:
    // The softmax of the scaled (and soft-capped) scores of the visible rows, as a span over
    // [first, end); the value is kept for weightedValues().
    template<class KeyRow>
    std::span<const float> probabilities(const float *query, const AttentionHead &head, KeyRow keyRow)
    {
        // The softmax sums registers of 8 from row 0; the masked rows in them count 0.
        m_offset = head.first - head.first % VecDotBlocks::kBlock;
        const std::size_t padded = (head.end + VecDotBlocks::kBlock - 1) / VecDotBlocks::kBlock * VecDotBlocks::kBlock;
        m_probabilities.assign(padded - m_offset, -std::numeric_limits<float>::infinity());
        if (head.halfKeys || head.scaleQuery) {
            m_query.resize(head.headDim);
            for (std::size_t i = 0; i < head.headDim; ++i) {
                const float q = head.scaleQuery ? query[i] * head.scale : query[i];
                m_query[i] = head.halfKeys ? quant::halfToFloat(quant::floatToHalf(q)) : q;
            }
            query = m_query.data();
        }
        const float scale = head.scaleQuery ? 1.0f : head.scale;
        // K·q: ggml_vec_dot_f32/f16 per row; for F16 keys and a batch, tinyBLAS (it needs a
        // multiple of 8, and takes F16 only: an F32 query is not converted for it).
        const bool tinyBlas = head.halfKeys && head.batch && head.headDim % kLanes == 0;
        for (std::size_t t = head.first; t < head.end; ++t) {
            const float *key = keyRow(t);
            const float dot = tinyBlas ? tinyBlasDot(key, query, head.headDim)
                : head.halfKeys        ? vecDotF16(key, query, head.headDim)
                                       : vecDotF32(key, query, head.headDim);
            const float score = dot * scale;
            m_probabilities[t - m_offset] = head.softcap > 0.0f ? head.softcap * std::tanh(score / head.softcap) : score;
        }
        softmax(m_probabilities.data(), m_probabilities.size());
        return std::span<const float>(m_probabilities).subspan(head.first - m_offset, head.end - head.first);
    }

    // out[d] = Σ_t probability_t · value_t[d] over the visible rows, after probabilities(): tinyBLAS
    // for a batch, ggml_vec_dot_f32/f16 (with no leftovers: n_kv is a multiple of 32) for one query.
    template<class ValueRow>
    void weightedValues(const AttentionHead &head, ValueRow valueRow, float *out)
    {
        if (head.halfValues)
            for (float &p : m_probabilities)
                p = quant::halfToFloat(quant::floatToHalf(p));
        if (head.batch)
            accumulate(head, valueRow, out, m_lanes);
        else
            accumulate(head, valueRow, out, m_blocks);
    }

private:
    template<class ValueRow, class Accumulator>
    void accumulate(const AttentionHead &head, ValueRow valueRow, float *out, std::vector<Accumulator> &sums)
    {
        sums.assign(head.headDim, Accumulator{});
        for (std::size_t t = head.first; t < head.end; ++t) {
            const float *value = valueRow(t);
            const float p = m_probabilities[t - m_offset];
            for (std::size_t d = 0; d < head.headDim; ++d)
                sums[d].add(t, value[d], p);
        }
        for (std::size_t d = 0; d < head.headDim; ++d)
            out[d] = sums[d].total();
    }

    std::vector<float> m_query;
    std::vector<float> m_probabilities; // cache rows [m_offset, m_offset + size)
    std::size_t m_offset = 0;
    std::vector<VecDotBlocks> m_blocks;
    std::vector<TinyBlasLanes> m_lanes;
};

} // namespace glassbox::compute::ggml

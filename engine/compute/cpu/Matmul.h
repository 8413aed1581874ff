#pragma once

#include <cstddef>
#include <cstdint>

namespace glassbox::compute
{

class ThreadPool;
struct VecDot;

// out[b][r] = weight row r · x[b] for the `batch` float rows x (n each) and the `weightRows` rows of
// a weight matrix in its file format, threads splitting the weight rows between them.
void matmul(ThreadPool &pool, const VecDot &vecDot, const std::uint8_t *weights, std::size_t weightRowBytes, std::size_t weightRows, const float *x,
            std::size_t batch, std::size_t n, float *out);

} // namespace glassbox::compute

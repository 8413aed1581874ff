#pragma once

#include <cstdint>

namespace glassbox::gguf
{
class GgufFile;
}

namespace glassbox::cli
{

// The machine's memory read bandwidth in bytes per second, as `threads` threads streaming a buffer
// much larger than any cache get it (the median of several passes): the ceiling a memory-bound decode
// step can reach on the CPU, and on a CPU Vulkan driver.
double measureReadBandwidth(unsigned threads);

// The weight bytes one decode step reads: every tensor, except that the embedding table contributes
// only its one row when the model has a separate output head (with tied embeddings it is the head).
std::uint64_t weightBytesPerToken(const gguf::GgufFile &file);

} // namespace glassbox::cli

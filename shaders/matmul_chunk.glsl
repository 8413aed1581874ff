// Loads a chunk of a weight row into chunkWords (formats/weights.glsl, WEIGHT_CHUNKS) for
// matmul_rows.comp: CHUNK_UNITS units of 8 elements, whole blocks, from any even byte offset. The
// chunk's texels are each fetched once and realigned in registers, so the format's reads (headers
// included, however often it repeats them per unit) become register moves.

#extension GL_EXT_control_flow_attributes : require

// Units per chunk: whole blocks, and for the small blocks several of them, so that the texel a
// chunk shares with the next is a small part of its loads (unless the includer chose).
#ifdef CHUNK_UNITS
#elif BLOCK_ELEMENTS == 1
#define CHUNK_UNITS 4
#elif BLOCK_ELEMENTS == 32
#define CHUNK_UNITS 16
#else
#define CHUNK_UNITS (BLOCK_ELEMENTS / 8)
#endif
#define CHUNK_BYTES (CHUNK_UNITS * 8 / BLOCK_ELEMENTS * BLOCK_BYTES)
#define CHUNK_WORDS ((CHUNK_BYTES + 3) / 4)
// Bytes [s, s + CHUNK_BYTES) with s <= 14 (the offset within the first texel) touch at most this many texels.
#define CHUNK_TEXELS ((CHUNK_BYTES + 29) / 16)

#if CHUNK_WORDS > CHUNK_MAX_WORDS
#error "chunkWords is too small for this format's chunk"
#endif

// The chunk starting at byte `byteOffset` (even) of the weight binding. Texels past the binding's
// end (the last chunk of the last row may reach there) are clamped to its last one: the format never
// reads those words.
void loadChunk(uint byteOffset)
{
    const int first = int(byteOffset >> 4u);
    const int last = imageSize(weightTexels) - 1;
    // Four spare zero words, so that the realignment below indexes only constants.
    uint words[4u * CHUNK_TEXELS + 4u];
    [[unroll]] for (uint t = 0u; t < CHUNK_TEXELS; ++t) {
        const uvec4 texel = imageLoad(weightTexels, min(first + int(t), last));
        [[unroll]] for (uint i = 0u; i < 4u; ++i)
            words[4u * t + i] = texel[i];
    }
    [[unroll]] for (uint i = 0u; i < 4u; ++i)
        words[4u * CHUNK_TEXELS + i] = 0u;
    // The shift differs between lanes (rows), so it selects among constant indices rather than
    // indexing the array, which would move it out of registers.
    const uint wordShift = (byteOffset >> 2u) & 3u;
    const bool halfShift = (byteOffset & 2u) != 0u;
    [[unroll]] for (uint k = 0u; k < CHUNK_WORDS; ++k) {
        const uint low = wordShift < 2u ? (wordShift == 0u ? words[k] : words[k + 1u]) : (wordShift == 2u ? words[k + 2u] : words[k + 3u]);
        const uint high = wordShift < 2u ? (wordShift == 0u ? words[k + 1u] : words[k + 2u]) : (wordShift == 2u ? words[k + 3u] : words[k + 4u]);
        chunkWords[k] = halfShift ? (low >> 16u) | (high << 16u) : low;
    }
}

// Reads bytes, halves and 32-bit values out of the weight buffer (weights.glsl, which the including
// shader includes first). Block formats are 18, 20, 22, 34, 84, 110, 210... bytes long, so a block, and the fields
// in it, may start at any even byte; every multi-byte read here needs only 2-byte alignment.

uint readU8(uint byteOffset)
{
    return (weightWord(byteOffset >> 2) >> ((byteOffset & 3u) * 8u)) & 0xffu;
}

uint readU16(uint byteOffset)
{
    return (weightWord(byteOffset >> 2) >> ((byteOffset & 2u) * 8u)) & 0xffffu;
}

// Four little-endian bytes from an even offset. The second word is only read when the value
// straddles two words, so a read never leaves the bytes it asks for (the buffer may end there).
uint readU32(uint byteOffset)
{
    const uint index = byteOffset >> 2;
    const uint straddles = (byteOffset >> 1) & 1u;
    const uint low = weightWord(index);
    const uint high = weightWord(index + straddles);
    return straddles == 0u ? low : (low >> 16) | (high << 16);
}

float readHalf(uint byteOffset)
{
    return unpackHalf2x16(readU16(byteOffset)).x;
}

// The four bytes of a word as unsigned values, lowest first.
uvec4 bytesOf(uint word)
{
    return (uvec4(word) >> uvec4(0u, 8u, 16u, 24u)) & 0xffu;
}

// The four bytes of a word as signed values.
ivec4 signedBytesOf(uint word)
{
    return ivec4(uvec4(word) << uvec4(24u, 16u, 8u, 0u)) >> 24;
}

// The low (shift 0) or high (shift 4) nibbles of a word's four bytes.
uvec4 nibblesOf(uint word, uint shift)
{
    return (uvec4(word) >> (uvec4(0u, 8u, 16u, 24u) + shift)) & 0xfu;
}

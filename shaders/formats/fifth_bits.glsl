// Q5_0's and Q5_1's units: nibbles as Q4_0, and element e's fifth bit is bit e of the 32-bit qh at
// byte `qhAt` of the block; the nibbles follow it.

// Bits first .. first + 3 of bits, each as 0 or 16.
uvec4 fifthBits(uint bits, uint first)
{
    return ((uvec4(bits >> first) >> uvec4(0u, 1u, 2u, 3u)) & 1u) << 4;
}

// The unsigned five-bit quants of a unit.
void fiveBitQuants(uint row, uint unit, uint qhAt, out uvec4 low, out uvec4 high)
{
    const uint block = row + (unit >> 2) * BLOCK_BYTES;
    const uint part = unit & 3u;
    const uint qh = readU32(block + qhAt);
    const uint qs = block + qhAt + 4u + 8u * (part & 1u);
    const uint shift = 4u * (part >> 1);
    low = nibblesOf(readU32(qs), shift) | fifthBits(qh, 8u * part);
    high = nibblesOf(readU32(qs + 4u), shift) | fifthBits(qh, 8u * part + 4u);
}

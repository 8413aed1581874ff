// Q4_K's and Q5_K's units from the including file's kUnitQuants(k, low, high), a unit's unsigned quants.

void dequantizeUnit(uint row, uint unit, out vec4 low, out vec4 high)
{
    const KQuantUnit k = kQuantUnit(row, unit);
    uvec4 q0, q1;
    kUnitQuants(k, q0, q1);
    low = k.scale * vec4(q0) - k.minimum;
    high = k.scale * vec4(q1) - k.minimum;
}

// scale * q, the integers the CPU multiplies.
void unitIntegers(uint row, uint unit, out vec4 low, out vec4 high)
{
    const KQuantUnit k = kQuantUnit(row, unit);
    uvec4 q0, q1;
    kUnitQuants(k, q0, q1);
    low = vec4(q0 * k.scaleMin.x);
    high = vec4(q1 * k.scaleMin.x);
}

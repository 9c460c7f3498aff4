// SPDX-License-Identifier: MIT
// IEEE binary16 and bfloat16 <-> binary32, bit-exact and independent of the FPU rounding mode,
// so that fixtures written here load identically in PyTorch.

#include "io/safetensors.h"

#include <bit>
#include <cstdint>

namespace tokenscope {

namespace {

constexpr std::uint32_t kFloatExponentMask = 0x7f800000u;
constexpr std::uint32_t kFloatAbsMask = 0x7fffffffu;

// Drops the low `shift` bits of `value`, rounding to nearest with ties to even.
std::uint32_t shiftRightRoundEven(std::uint32_t value, unsigned shift)
{
    const std::uint32_t kept = value >> shift;
    const std::uint32_t dropped = value & ((1u << shift) - 1u);
    const std::uint32_t halfway = 1u << (shift - 1u);
    if (dropped > halfway || (dropped == halfway && (kept & 1u) != 0))
        return kept + 1u;   // a carry out of the mantissa correctly bumps the exponent
    return kept;
}

} // namespace

float halfToFloat(std::uint16_t h)
{
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t exponent = (h >> 10) & 0x1fu;
    std::uint32_t mantissa = h & 0x3ffu;

    if (exponent == 0x1fu)   // Inf keeps a zero mantissa; NaN keeps its payload and quiet bit
        return std::bit_cast<float>(sign | kFloatExponentMask | (mantissa << 13));
    if (exponent != 0)       // normal: rebias 15 -> 127
        return std::bit_cast<float>(sign | ((exponent + 112u) << 23) | (mantissa << 13));
    if (mantissa == 0)
        return std::bit_cast<float>(sign);

    // Subnormal half (mantissa × 2^-24) is a normal float: shift the leading 1 into the
    // implicit position, lowering the exponent once per shift.
    std::uint32_t floatExponent = 113u;   // 127 - 14
    while ((mantissa & 0x400u) == 0) {
        mantissa <<= 1;
        --floatExponent;
    }
    return std::bit_cast<float>(sign | (floatExponent << 23) | ((mantissa & 0x3ffu) << 13));
}

std::uint16_t floatToHalf(float f)
{
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(f);
    const auto sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
    const std::uint32_t magnitude = bits & kFloatAbsMask;

    if (magnitude > kFloatExponentMask)   // NaN: keep the top payload bits, force quiet
        return static_cast<std::uint16_t>(sign | 0x7e00u | ((magnitude >> 13) & 0x3ffu));
    if (magnitude >= 0x477ff000u)         // >= 65520, halfway past 65504: rounds to Inf
        return static_cast<std::uint16_t>(sign | 0x7c00u);
    if (magnitude >= 0x38800000u) {       // >= 2^-14: normal half, rebias 127 -> 15
        const std::uint32_t rebiased = magnitude - (112u << 23);
        return static_cast<std::uint16_t>(sign | shiftRightRoundEven(rebiased, 13));
    }
    if (magnitude <= 0x33000000u)         // <= 2^-25, half of the smallest subnormal: ties to 0
        return sign;

    // Subnormal half: value × 2^24 rounded, from the float's explicit 24-bit significand.
    const std::uint32_t significand = (magnitude & 0x7fffffu) | 0x800000u;
    const unsigned shift = 126u - (magnitude >> 23);   // 14..24 in this range
    return static_cast<std::uint16_t>(sign | shiftRightRoundEven(significand, shift));
}

float bfloat16ToFloat(std::uint16_t b)
{
    return std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16);
}

std::uint16_t floatToBfloat16(float f)
{
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(f);
    if ((bits & kFloatAbsMask) > kFloatExponentMask)   // NaN: truncating could yield Inf
        return static_cast<std::uint16_t>((bits >> 16) | 0x0040u);
    // Overflow past the largest finite bfloat16 carries into the exponent and gives Inf, as RNE should.
    return static_cast<std::uint16_t>(shiftRightRoundEven(bits, 16));
}

} // namespace tokenscope

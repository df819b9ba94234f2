using System;

namespace Tessera.Planning;

/// <summary>
/// Python's numeric semantics, which the reference implementations are written in and which plans depend on:
/// half-to-even <c>round</c>, float floor division, <c>round(x, 7)</c>. Every function is exact (no
/// approximation of the Python result) and allocation-free.
/// </summary>
public static class PyMath
{
    /// <summary>Python 3 <c>round(x)</c>: nearest integer, ties to even (<c>round(2.5) == 2</c>).</summary>
    public static double RoundHalfEven(double x) => Math.Round(x, MidpointRounding.ToEven);

    /// <summary>
    /// Python <c>a // b</c> on floats: the floor of the exact quotient, computed as CPython does via
    /// <c>fmod</c>. It differs from <c>Math.Floor(a / b)</c>: <c>1 // 0.1 == 9.0</c>.
    /// </summary>
    public static double FloorDivide(double a, double b)
    {
        double mod = a % b; // C fmod
        double div = (a - mod) / b;
        if (mod != 0 && (b < 0) != (mod < 0))
        {
            div -= 1.0;
        }
        if (div != 0)
        {
            double floor = Math.Floor(div);
            if (div - floor > 0.5)
            {
                floor += 1.0;
            }
            return floor;
        }
        return CopySign(0.0, a / b);
    }

    /// <summary>Python integer floor division <c>a // b</c> (rounds toward negative infinity).</summary>
    public static long FloorDivide(long a, long b)
    {
        long q = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0)))
        {
            q--;
        }
        return q;
    }

    /// <summary>
    /// Python <c>round(x, 7)</c>: the exact binary value of <paramref name="x"/> rounded half-to-even to seven
    /// decimal places, then converted back to the nearest double (CPython uses correctly rounded
    /// <c>dtoa</c>/<c>strtod</c> for this; so does this function).
    /// </summary>
    public static double Round7(double x)
    {
        if (double.IsNaN(x) || double.IsInfinity(x) || x == 0)
        {
            return x;
        }
        bool negative = x < 0;
        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(x));
        int exponent = (int)((bits >> 52) & 0x7FF);
        ulong mantissa = (ulong)bits & 0xF_FFFF_FFFF_FFFFUL;
        if (exponent == 0)
        {
            exponent = 1; // subnormal
        }
        else
        {
            mantissa |= 1UL << 52;
        }
        int shift = 1075 - exponent; // |x| = mantissa / 2^shift
        if (shift <= 0)
        {
            return x; // an integer already: nothing below the seventh decimal
        }
        const uint TenPow7 = 10_000_000;
        // product = mantissa * 10^7 as a 128-bit number (hi, lo); mantissa < 2^53 so it fits in 77 bits.
        ulong lo32 = (mantissa & 0xFFFF_FFFFUL) * TenPow7;
        ulong hi32 = (mantissa >> 32) * TenPow7;
        ulong lo = lo32 + (hi32 << 32);
        ulong hi = (hi32 >> 32) + (lo < lo32 ? 1UL : 0UL);
        // scaled = product / 2^shift, rounded half to even.
        ulong quotient;
        int cmpHalf; // sign of (remainder - half)
        bool quotientOdd;
        if (shift >= 128)
        {
            quotient = 0;
            cmpHalf = -1; // product < 2^77 <= 2^(shift-1)
        }
        else
        {
            quotient = ShiftRight(hi, lo, shift, out ulong remHi, out ulong remLo);
            // half = 2^(shift-1)
            ulong halfHi = shift - 1 >= 64 ? 1UL << (shift - 1 - 64) : 0;
            ulong halfLo = shift - 1 >= 64 ? 0 : 1UL << (shift - 1);
            cmpHalf = remHi != halfHi ? (remHi < halfHi ? -1 : 1) : (remLo == halfLo ? 0 : (remLo < halfLo ? -1 : 1));
        }
        quotientOdd = (quotient & 1) != 0;
        if (cmpHalf > 0 || (cmpHalf == 0 && quotientOdd))
        {
            quotient++;
        }
        double result = quotient / (double)TenPow7; // quotient < 2^77 / 2 ... but < 2^53 whenever x < 2^53/1e7
        if (quotient >= (1UL << 53))
        {
            // Values this large have no digits below 1e-7 that a double can hold; x is already the answer.
            return x;
        }
        return negative ? -result : result;
    }

    private static ulong ShiftRight(ulong hi, ulong lo, int shift, out ulong remHi, out ulong remLo)
    {
        // Returns the low 64 bits of (hi:lo) >> shift and the bits shifted out; the quotient always fits in
        // 64 bits because the product has at most 77 significant bits and shift >= 1... callers check range.
        ulong q;
        if (shift >= 64)
        {
            int s = shift - 64;
            q = s == 0 ? hi : hi >> s;
            remHi = s == 0 ? 0 : hi & ((1UL << s) - 1);
            remLo = lo;
        }
        else
        {
            q = (lo >> shift) | (hi << (64 - shift));
            remHi = 0;
            remLo = lo & ((1UL << shift) - 1);
            if ((hi >> shift) != 0)
            {
                // Quotient wider than 64 bits: far beyond any value handled here; saturate.
                q = ulong.MaxValue;
            }
        }
        return q;
    }

    private static double CopySign(double magnitude, double sign)
    {
        long m = BitConverter.DoubleToInt64Bits(magnitude) & long.MaxValue;
        long s = BitConverter.DoubleToInt64Bits(sign) & long.MinValue;
        return BitConverter.Int64BitsToDouble(m | s);
    }
}

/// <summary>Exact integer helpers used where Python divides unbounded integers.</summary>
public static class PyInt
{
    private const long TwoPow53 = 1L << 53;

    /// <summary>
    /// Python <c>a / b</c> on integers: the exact quotient correctly rounded to a double (half to even). Equal to
    /// <c>(double)a / b</c> while both operands are below 2^53; exact beyond that too, where the naive form rounds twice.
    /// </summary>
    public static double TrueDivide(long a, long b)
    {
        if (b == 0)
        {
            throw new DivideByZeroException();
        }
        if (a == 0)
        {
            return b < 0 ? -0.0 : 0.0; // the long division below never terminates on a zero quotient
        }
        if (a > -TwoPow53 && a < TwoPow53 && b > -TwoPow53 && b < TwoPow53)
        {
            return (double)a / b;
        }
        bool negative = (a < 0) != (b < 0);
        ulong n = a < 0 ? (ulong)(-(a + 1)) + 1 : (ulong)a;
        ulong d = b < 0 ? (ulong)(-(b + 1)) + 1 : (ulong)b;
        ulong q = n / d;
        ulong r = n % d;
        int scale = 0; // result = q_extended * 2^-scale
        // Extend the quotient bit by bit until it has 55 significant bits (53 + guard + round); r stays < d < 2^64.
        while (q < (1UL << 54))
        {
            bool carry = r >= (1UL << 63);
            r <<= 1;
            q <<= 1;
            if (carry || r >= d)
            {
                r -= d;
                q |= 1;
            }
            scale++;
        }
        // Round q (which may have up to 64 bits) to 53 significant bits, half to even, with r != 0 as sticky.
        int bits = 64 - LeadingZeros(q);
        int drop = bits - 53;
        ulong kept = q >> drop;
        ulong dropped = q & ((1UL << drop) - 1);
        ulong half = 1UL << (drop - 1);
        bool sticky = r != 0;
        if (dropped > half || (dropped == half && (sticky || (kept & 1) != 0)))
        {
            kept++;
        }
        double result = kept * Math.Pow(2, drop - scale); // kept <= 2^53, power of two scaling is exact
        return negative ? -result : result;
    }

    private static int LeadingZeros(ulong x)
    {
        int n = 0;
        if (x == 0) return 64;
        while ((x & (1UL << 63)) == 0) { x <<= 1; n++; }
        return n;
    }
}

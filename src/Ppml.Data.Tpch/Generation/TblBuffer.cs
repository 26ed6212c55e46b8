using System.Globalization;

namespace Ppml.Data.Tpch.Generation;

/// <summary>
/// Builds dbgen's flat-file rows in a reusable byte buffer: every field is followed by <c>|</c> (including the
/// last, as dbgen writes it), rows end with <c>\n</c>, money is printed from integer cents with two decimals.
/// The buffer is handed to the output stream whenever <see cref="IsFull"/> says another row may not fit.
/// </summary>
internal sealed class TblBuffer
{
    /// <summary>No dbgen row comes near this (the longest, partsupp, is under 260 bytes).</summary>
    private const int MaxRowLength = 4 * 1024;

    private readonly byte[] _buffer;
    private int _length;

    public TblBuffer(int capacity = 256 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, MaxRowLength * 2);
        _buffer = new byte[capacity];
    }

    /// <summary>True when the next row might not fit: flush before writing it.</summary>
    public bool IsFull => _length > _buffer.Length - MaxRowLength;

    public int Length => _length;

    /// <summary>Rows completed since creation.</summary>
    public long Rows { get; private set; }

    /// <summary>Bytes handed out through <see cref="Clear"/> since creation.</summary>
    public long FlushedBytes { get; private set; }

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    /// <summary>Marks the written bytes as handed to the output.</summary>
    public void Clear()
    {
        FlushedBytes += _length;
        _length = 0;
    }

    public void Integer(long value)
    {
        if (value < 0)
        {
            _buffer[_length++] = (byte)'-';
            value = -value;
        }

        WriteDigits(value);
        Separator();
    }

    /// <summary>A tag followed by a zero-padded number, as dbgen's <c>"%s%0*lld"</c> (e.g. Customer#000000001).</summary>
    public void Tagged(ReadOnlySpan<byte> tag, long value, int digits)
    {
        tag.CopyTo(_buffer.AsSpan(_length));
        _length += tag.Length;
        Span<byte> destination = _buffer.AsSpan(_length);
        int written = 0;
        if (digits == 9)
        {
            value.TryFormat(destination, out written, "D9", CultureInfo.InvariantCulture);
        }
        else if (digits == 2)
        {
            value.TryFormat(destination, out written, "D2", CultureInfo.InvariantCulture);
        }
        else
        {
            value.TryFormat(destination, out written, "D1", CultureInfo.InvariantCulture);
        }

        _length += written;
        Separator();
    }

    /// <summary>dbgen's <c>DT_MONEY</c>: cents printed as [-]dollars.cc.</summary>
    public void Money(long cents)
    {
        if (cents < 0)
        {
            _buffer[_length++] = (byte)'-';
            cents = -cents;
        }

        long dollars = cents / 100;
        int remainder = (int)(cents % 100);
        WriteDigits(dollars);
        _buffer[_length++] = (byte)'.';
        _buffer[_length++] = (byte)('0' + (remainder / 10));
        _buffer[_length++] = (byte)('0' + (remainder % 10));
        Separator();
    }

    public void Text(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
        Separator();
    }

    public void Char(byte value)
    {
        _buffer[_length++] = value;
        Separator();
    }

    public void Date(int day) => Text(TpchDates.Format(day));

    /// <summary>dbgen's PHONE_FMT "%02d-%03d-%03d-%04d" with country code 10 + nation key.</summary>
    public void Phone(int countryCode, int areaCode, int exchange, int number)
    {
        Span<byte> destination = _buffer.AsSpan(_length, 15);
        Digits(destination[..2], countryCode);
        destination[2] = (byte)'-';
        Digits(destination.Slice(3, 3), areaCode);
        destination[6] = (byte)'-';
        Digits(destination.Slice(7, 3), exchange);
        destination[10] = (byte)'-';
        Digits(destination.Slice(11, 4), number);
        _length += 15;
        Separator();
    }

    public void EndRow()
    {
        _buffer[_length++] = (byte)'\n';
        Rows++;
    }

    private void Separator() => _buffer[_length++] = (byte)'|';

    /// <summary>Writes a non-negative number in decimal, without leading zeros.</summary>
    private void WriteDigits(long value)
    {
        int digits = 1;
        for (long rest = value / 10; rest != 0; rest /= 10)
        {
            digits++;
        }

        int end = _length + digits;
        Span<byte> destination = _buffer.AsSpan(_length, digits);
        for (int i = digits - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }

        _length = end;
    }

    private static void Digits(Span<byte> destination, int value)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}

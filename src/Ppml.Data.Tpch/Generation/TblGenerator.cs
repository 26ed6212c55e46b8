namespace Ppml.Data.Tpch.Generation;

/// <summary>
/// Generates a contiguous range of a table's driving rows (1-based dbgen row numbers
/// <c>firstRow + 1 .. firstRow + rowCount</c>) into one or two <see cref="TblBuffer"/>s, a buffer's worth at a
/// time. The row range only moves the random streams' starting points, so any split of a table into ranges
/// concatenates to the same bytes.
/// </summary>
internal abstract class TblGenerator
{
    private readonly long _end;
    private long _next;

    protected TblGenerator(long firstRow, long rowCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        _next = firstRow;
        _end = firstRow + rowCount;
    }

    public bool IsDone => _next >= _end;

    /// <summary>Generates rows until the range is done or an output buffer is full.</summary>
    public void Fill()
    {
        while (_next < _end && !IsAnyOutputFull)
        {
            _next++;
            GenerateRow(_next);
        }
    }

    protected abstract bool IsAnyOutputFull { get; }

    /// <summary>Writes row <paramref name="row"/> (1-based) and finishes the row of every random stream used.</summary>
    protected abstract void GenerateRow(long row);

    /// <summary>dbgen's <c>V_STR</c> / <c>a_rnd</c>: random alphanumeric text of length [0.4·avg, 1.6·avg], 6 bits per character, 5 characters per draw.</summary>
    protected static int AlphaNumeric(ref DbgenRandom random, in TextLength length, Span<byte> destination)
    {
        ReadOnlySpan<byte> alphabet = "0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ,"u8;
        int count = random.NextInt(length.Min, length.Max);
        long bits = 0;
        for (int i = 0; i < count; i++)
        {
            if (i % 5 == 0)
            {
                bits = random.NextAlphaNumericBits();
            }

            destination[i] = alphabet[(int)(bits & 0x3F)];
            bits >>= 6;
        }

        return count;
    }

    /// <summary>
    /// The leading columns CUSTOMER and SUPPLIER share (build.c <c>mk_cust</c>, <c>mk_supp</c>): key, <c>Tag#000000001</c>,
    /// address, nation key, phone and account balance, each from its own dbgen stream.
    /// </summary>
    protected struct PartyColumns
    {
        private static readonly TextLength AddressLength = TextLength.FromAverage(25);

        private DbgenRandom _address;
        private DbgenRandom _nation;
        private DbgenRandom _phone;
        private DbgenRandom _balance;

        public PartyColumns(long addressSeed, long nationSeed, long phoneSeed, long balanceSeed, long firstRow)
        {
            _address = new DbgenRandom(addressSeed, 9);
            _nation = new DbgenRandom(nationSeed, 1);
            _phone = new DbgenRandom(phoneSeed, 3);
            _balance = new DbgenRandom(balanceSeed, 1);
            _address.AdvanceRows(firstRow);
            _nation.AdvanceRows(firstRow);
            _phone.AdvanceRows(firstRow);
            _balance.AdvanceRows(firstRow);
        }

        /// <summary>Writes the six columns of row <paramref name="row"/>; <paramref name="scratch"/> holds at least 40 bytes.</summary>
        public void Write(TblBuffer output, ReadOnlySpan<byte> tag, long row, Span<byte> scratch)
        {
            output.Integer(row);
            output.Tagged(tag, row, 9);
            int addressLength = AlphaNumeric(ref _address, AddressLength, scratch);
            output.Text(scratch[..addressLength]);
            int nation = _nation.NextInt(0, Distributions.Nations.Count - 1);
            output.Integer(nation);
            output.Phone(10 + nation, _phone.NextInt(100, 999), _phone.NextInt(100, 999), _phone.NextInt(1000, 9999));
            output.Money(_balance.NextInt(-99_999, 999_999));
        }

        public void RowFinished()
        {
            _address.RowFinished();
            _nation.RowFinished();
            _phone.RowFinished();
            _balance.RowFinished();
        }
    }

    /// <summary>dss.h <c>rpb_routine</c>: the retail price of a part in cents, 90000 + ⌊p/10⌋ mod 20001 + (p mod 1000)·100.</summary>
    internal static long RetailPriceCents(long partKey) => 90_000 + (partKey / 10 % 20_001) + (partKey % 1000 * 100);

    /// <summary>
    /// build.c <c>PART_SUPP_BRIDGE</c>: the supplier of a part's <paramref name="supplierNumber"/>-th (0..3) partsupp row,
    /// (p + i·(S/4 + (p−1)/S)) mod S + 1 with S suppliers.
    /// </summary>
    internal static long PartSupplier(long partKey, long supplierNumber, long suppliers) =>
        ((partKey + (supplierNumber * ((suppliers / TpchScale.SuppliersPerPart) + ((partKey - 1) / suppliers)))) % suppliers) + 1;
}

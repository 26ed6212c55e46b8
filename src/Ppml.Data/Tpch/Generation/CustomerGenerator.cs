namespace Ppml.Data.Tpch.Generation;

/// <summary>build.c <c>mk_cust</c>: the CUSTOMER table.</summary>
internal sealed class CustomerGenerator : TblGenerator
{
    private static readonly TextLength AddressLength = TextLength.FromAverage(25);
    private static readonly TextLength CommentLength = TextLength.FromAverage(73);

    private readonly TextPool _pool;
    private readonly TblBuffer _output;
    private readonly byte[] _scratch = new byte[64];

    private DbgenRandom _address = new(881155353, 9);
    private DbgenRandom _nation = new(1489529863, 1);
    private DbgenRandom _phone = new(1521138112, 3);
    private DbgenRandom _balance = new(298370230, 1);
    private DbgenRandom _segment = new(1140279430, 1);
    private DbgenRandom _comment = new(1335826707, 2);

    public CustomerGenerator(TextPool pool, long firstRow, long rowCount, TblBuffer output)
        : base(firstRow, rowCount)
    {
        _pool = pool;
        _output = output;
        _address.AdvanceRows(firstRow);
        _nation.AdvanceRows(firstRow);
        _phone.AdvanceRows(firstRow);
        _balance.AdvanceRows(firstRow);
        _segment.AdvanceRows(firstRow);
        _comment.AdvanceRows(firstRow);
    }

    protected override bool IsAnyOutputFull => _output.IsFull;

    protected override void GenerateRow(long row)
    {
        TblBuffer output = _output;
        output.Integer(row);
        output.Tagged("Customer#"u8, row, 9);

        Span<byte> scratch = _scratch;
        int addressLength = AlphaNumeric(ref _address, AddressLength, scratch);
        output.Text(scratch[..addressLength]);

        int nation = _nation.NextInt(0, Distributions.Nations.Count - 1);
        output.Integer(nation);
        output.Phone(10 + nation, _phone.NextInt(100, 999), _phone.NextInt(100, 999), _phone.NextInt(1000, 9999));
        output.Money(_balance.NextInt(-99_999, 999_999));
        output.Text(Distributions.MarketSegments.Utf8Values[Distributions.MarketSegments.Pick(ref _segment)]);
        output.Text(_pool.Slice(ref _comment, CommentLength));
        output.EndRow();

        _address.RowFinished();
        _nation.RowFinished();
        _phone.RowFinished();
        _balance.RowFinished();
        _segment.RowFinished();
        _comment.RowFinished();
    }
}

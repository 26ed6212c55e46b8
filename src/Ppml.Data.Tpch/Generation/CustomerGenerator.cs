namespace Ppml.Data.Tpch.Generation;

/// <summary>build.c <c>mk_cust</c>: the CUSTOMER table.</summary>
internal sealed class CustomerGenerator : TblGenerator
{
    private static readonly TextLength CommentLength = TextLength.FromAverage(73);

    private readonly TextPool _pool;
    private readonly TblBuffer _output;
    private readonly byte[] _scratch = new byte[64];

    private PartyColumns _party;
    private DbgenRandom _segment = new(1140279430, 1);
    private DbgenRandom _comment = new(1335826707, 2);

    public CustomerGenerator(TextPool pool, long firstRow, long rowCount, TblBuffer output)
        : base(firstRow, rowCount)
    {
        _pool = pool;
        _output = output;
        _party = new PartyColumns(881155353, 1489529863, 1521138112, 298370230, firstRow);
        _segment.AdvanceRows(firstRow);
        _comment.AdvanceRows(firstRow);
    }

    protected override bool IsAnyOutputFull => _output.IsFull;

    protected override void GenerateRow(long row)
    {
        TblBuffer output = _output;
        _party.Write(output, "Customer#"u8, row, _scratch);
        output.Text(Distributions.MarketSegments.Utf8Values[Distributions.MarketSegments.Pick(ref _segment)]);
        output.Text(_pool.Slice(ref _comment, CommentLength));
        output.EndRow();

        _party.RowFinished();
        _segment.RowFinished();
        _comment.RowFinished();
    }
}

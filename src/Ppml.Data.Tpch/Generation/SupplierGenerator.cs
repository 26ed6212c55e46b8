namespace Ppml.Data.Tpch.Generation;

/// <summary>build.c <c>mk_supp</c>: the SUPPLIER table, including the "Customer Complaints"/"Recommends" comments.</summary>
internal sealed class SupplierGenerator : TblGenerator
{
    private static readonly TextLength CommentLength = TextLength.FromAverage(63);

    // dss.h S_CMNT_BBB and BBB_*: on average 10 suppliers per SF (of 10,000) get a Better Business Bureau
    // comment, half complaints; "Customer " and the verdict are separated by random noise.
    private const int BbbCommentsPerScaleBase = 10;
    private const int BbbComplaintPercent = 50;
    private const int BbbLength = 19;

    private readonly TextPool _pool;
    private readonly TblBuffer _output;
    private readonly byte[] _scratch = new byte[256];

    private PartyColumns _party;
    private DbgenRandom _comment = new(1341315363, 2);
    private DbgenRandom _bbbJunk = new(263032577, 1);
    private DbgenRandom _bbbType = new(753643799, 1);
    private DbgenRandom _bbbComment = new(202794285, 1);
    private DbgenRandom _bbbOffset = new(715851524, 1);

    public SupplierGenerator(TextPool pool, long firstRow, long rowCount, TblBuffer output)
        : base(firstRow, rowCount)
    {
        _pool = pool;
        _output = output;
        _party = new PartyColumns(706178559, 110356601, 884434366, 962338209, firstRow);
        _comment.AdvanceRows(firstRow);
        _bbbJunk.AdvanceRows(firstRow);
        _bbbType.AdvanceRows(firstRow);
        _bbbComment.AdvanceRows(firstRow);
        _bbbOffset.AdvanceRows(firstRow);
    }

    protected override bool IsAnyOutputFull => _output.IsFull;

    protected override void GenerateRow(long row)
    {
        TblBuffer output = _output;
        Span<byte> scratch = _scratch;
        _party.Write(output, "Supplier#"u8, row, scratch);

        ReadOnlySpan<byte> text = _pool.Slice(ref _comment, CommentLength);
        Span<byte> comment = scratch[..text.Length];
        text.CopyTo(comment);

        // dbgen draws all four values for every row (to keep the streams aligned) and uses them for ~0.1%.
        int badPress = _bbbComment.NextInt(1, (int)TpchScale.SupplierBase);
        int type = _bbbType.NextInt(0, 100);
        int noise = _bbbJunk.NextInt(0, comment.Length - BbbLength);
        int offset = _bbbOffset.NextInt(0, comment.Length - (BbbLength + noise));
        if (badPress <= BbbCommentsPerScaleBase)
        {
            ReadOnlySpan<byte> customer = "Customer "u8;
            customer.CopyTo(comment[offset..]);
            ReadOnlySpan<byte> verdict = type < BbbComplaintPercent ? "Complaints"u8 : "Recommends"u8;
            verdict.CopyTo(comment[(customer.Length + offset + noise)..]);
        }

        output.Text(comment);
        output.EndRow();

        _party.RowFinished();
        _comment.RowFinished();
        _bbbJunk.RowFinished();
        _bbbType.RowFinished();
        _bbbComment.RowFinished();
        _bbbOffset.RowFinished();
    }
}

namespace Ppml.Data.Tpch.Generation;

/// <summary>build.c <c>mk_supp</c>: the SUPPLIER table, including the "Customer Complaints"/"Recommends" comments.</summary>
internal sealed class SupplierGenerator : TblGenerator
{
    private static readonly TextLength AddressLength = TextLength.FromAverage(25);
    private static readonly TextLength CommentLength = TextLength.FromAverage(63);

    // dss.h S_CMNT_BBB and BBB_*: on average 10 suppliers per SF (of 10,000) get a Better Business Bureau
    // comment, half complaints; "Customer " and the verdict are separated by random noise.
    private const int BbbCommentsPerScaleBase = 10;
    private const int BbbComplaintPercent = 50;
    private const int BbbLength = 19;

    private readonly TextPool _pool;
    private readonly TblBuffer _output;
    private readonly byte[] _scratch = new byte[256];

    private DbgenRandom _address = new(706178559, 9);
    private DbgenRandom _nation = new(110356601, 1);
    private DbgenRandom _phone = new(884434366, 3);
    private DbgenRandom _balance = new(962338209, 1);
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
        _address.AdvanceRows(firstRow);
        _nation.AdvanceRows(firstRow);
        _phone.AdvanceRows(firstRow);
        _balance.AdvanceRows(firstRow);
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
        output.Integer(row);
        output.Tagged("Supplier#"u8, row, 9);

        Span<byte> scratch = _scratch;
        int addressLength = AlphaNumeric(ref _address, AddressLength, scratch);
        output.Text(scratch[..addressLength]);

        int nation = _nation.NextInt(0, Distributions.Nations.Count - 1);
        output.Integer(nation);
        output.Phone(10 + nation, _phone.NextInt(100, 999), _phone.NextInt(100, 999), _phone.NextInt(1000, 9999));
        output.Money(_balance.NextInt(-99_999, 999_999));

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

        _address.RowFinished();
        _nation.RowFinished();
        _phone.RowFinished();
        _balance.RowFinished();
        _comment.RowFinished();
        _bbbJunk.RowFinished();
        _bbbType.RowFinished();
        _bbbComment.RowFinished();
        _bbbOffset.RowFinished();
    }
}

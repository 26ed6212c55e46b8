namespace Ppml.Data.Tpch.Generation;

/// <summary>build.c <c>mk_nation</c> and <c>mk_region</c>: the fixed NATION (25) and REGION (5) tables with random comments.</summary>
internal sealed class NationRegionGenerator : TblGenerator
{
    private static readonly TextLength CommentLength = TextLength.FromAverage(72);

    private readonly bool _isNation;
    private readonly TextPool _pool;
    private readonly TblBuffer _output;
    private DbgenRandom _comment;

    public NationRegionGenerator(TpchTable table, TextPool pool, TblBuffer output)
        : base(0, table == TpchTable.Nation ? Distributions.Nations.Count : Distributions.Regions.Count)
    {
        if (table is not (TpchTable.Nation or TpchTable.Region))
        {
            throw new ArgumentOutOfRangeException(nameof(table), table, "Only NATION and REGION are fixed tables.");
        }

        _isNation = table == TpchTable.Nation;
        _comment = _isNation ? new DbgenRandom(606179079, 2) : new DbgenRandom(1500869201, 2);
        _pool = pool;
        _output = output;
    }

    protected override bool IsAnyOutputFull => _output.IsFull;

    protected override void GenerateRow(long row)
    {
        int key = (int)row - 1;
        TblBuffer output = _output;
        output.Integer(key);
        if (_isNation)
        {
            (string name, int regionKey) = Distributions.Nations[key];
            output.Text(System.Text.Encoding.ASCII.GetBytes(name));
            output.Integer(regionKey);
        }
        else
        {
            output.Text(Distributions.Regions.Utf8Values[key]);
        }

        output.Text(_pool.Slice(ref _comment, CommentLength));
        output.EndRow();
        _comment.RowFinished();
    }
}

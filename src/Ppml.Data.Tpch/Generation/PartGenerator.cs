namespace Ppml.Data.Tpch.Generation;

/// <summary>
/// build.c <c>mk_part</c>: the PART table and, per part, its four PARTSUPP rows (dbgen generates them
/// together; either output may be omitted, and the streams of an omitted table are not drawn at all).
/// </summary>
internal sealed class PartGenerator : TblGenerator
{
    private const int NameWords = 5;
    private static readonly TextLength PartCommentLength = TextLength.FromAverage(14);
    private static readonly TextLength PartSuppCommentLength = TextLength.FromAverage(124);

    private readonly TpchScale _scale;
    private readonly TextPool _pool;
    private readonly TblBuffer? _parts;
    private readonly TblBuffer? _partSupps;
    private readonly int[] _colorOrder = new int[Distributions.Colors.Count];

    private DbgenRandom _name = new(709314158, Distributions.Colors.Count);
    private DbgenRandom _manufacturer = new(1, 1);
    private DbgenRandom _brand = new(46831694, 1);
    private DbgenRandom _type = new(1841581359, 1);
    private DbgenRandom _size = new(1193163244, 1);
    private DbgenRandom _container = new(727633698, 1);
    private DbgenRandom _comment = new(804159733, 2);
    private DbgenRandom _availableQuantity = new(1671059989, TpchScale.SuppliersPerPart);
    private DbgenRandom _supplyCost = new(1051288424, TpchScale.SuppliersPerPart);
    private DbgenRandom _partSuppComment = new(1961692154, TpchScale.SuppliersPerPart * 2);

    public PartGenerator(TpchScale scale, TextPool pool, long firstRow, long rowCount, TblBuffer? parts, TblBuffer? partSupps)
        : base(firstRow, rowCount)
    {
        if (parts is null && partSupps is null)
        {
            throw new ArgumentException("At least one of PART and PARTSUPP must be generated.", nameof(parts));
        }

        _scale = scale;
        _pool = pool;
        _parts = parts;
        _partSupps = partSupps;
        _name.AdvanceRows(firstRow);
        _manufacturer.AdvanceRows(firstRow);
        _brand.AdvanceRows(firstRow);
        _type.AdvanceRows(firstRow);
        _size.AdvanceRows(firstRow);
        _container.AdvanceRows(firstRow);
        _comment.AdvanceRows(firstRow);
        _availableQuantity.AdvanceRows(firstRow);
        _supplyCost.AdvanceRows(firstRow);
        _partSuppComment.AdvanceRows(firstRow);
    }

    protected override bool IsAnyOutputFull => (_parts?.IsFull ?? false) || (_partSupps?.IsFull ?? false);

    protected override void GenerateRow(long row)
    {
        if (_parts is { } parts)
        {
            WritePart(parts, row);
        }

        if (_partSupps is { } partSupps)
        {
            WritePartSupps(partSupps, row);
        }
    }

    private void WritePart(TblBuffer output, long partKey)
    {
        output.Integer(partKey);
        WriteName(output);

        int manufacturer = _manufacturer.NextInt(1, 5);
        output.Tagged("Manufacturer#"u8, manufacturer, 1);
        output.Tagged("Brand#"u8, (manufacturer * 10) + _brand.NextInt(1, 5), 2);
        output.Text(Distributions.PartTypes.Utf8Values[Distributions.PartTypes.Pick(ref _type)]);
        output.Integer(_size.NextInt(1, 50));
        output.Text(Distributions.Containers.Utf8Values[Distributions.Containers.Pick(ref _container)]);
        output.Money(RetailPriceCents(partKey));
        output.Text(_pool.Slice(ref _comment, PartCommentLength));
        output.EndRow();

        _name.RowFinished();
        _manufacturer.RowFinished();
        _brand.RowFinished();
        _type.RowFinished();
        _size.RowFinished();
        _container.RowFinished();
        _comment.RowFinished();
    }

    /// <summary>
    /// bm_utils.c <c>agg_str</c>: five distinct colors. dbgen shuffles all 92 colors from their listed order
    /// (a Fisher–Yates pass with 92 draws) and takes the first five; those depend only on the first five swaps,
    /// and the row budget of 92 skips the rest.
    /// </summary>
    private void WriteName(TblBuffer output)
    {
        int[] order = _colorOrder;
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Span<byte> name = stackalloc byte[128];
        int length = 0;
        for (int i = 0; i < NameWords; i++)
        {
            int swap = _name.NextInt(i, order.Length - 1);
            (order[i], order[swap]) = (order[swap], order[i]);
            if (i > 0)
            {
                name[length++] = (byte)' ';
            }

            ReadOnlySpan<byte> color = Distributions.Colors.Utf8Values[order[i]];
            color.CopyTo(name[length..]);
            length += color.Length;
        }

        output.Text(name[..length]);
    }

    private void WritePartSupps(TblBuffer output, long partKey)
    {
        for (int supplier = 0; supplier < TpchScale.SuppliersPerPart; supplier++)
        {
            output.Integer(partKey);
            output.Integer(PartSupplier(partKey, supplier, _scale.Suppliers));
            output.Integer(_availableQuantity.NextInt(1, 9_999));
            output.Money(_supplyCost.NextInt(100, 100_000));
            output.Text(_pool.Slice(ref _partSuppComment, PartSuppCommentLength));
            output.EndRow();
        }

        _availableQuantity.RowFinished();
        _supplyCost.RowFinished();
        _partSuppComment.RowFinished();
    }
}

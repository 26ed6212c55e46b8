namespace Ppml.Data.Tpch.Generation;

/// <summary>
/// build.c <c>mk_order</c>: the ORDERS table and its 1–7 LINEITEM rows per order (dbgen generates them
/// together: o_totalprice and o_orderstatus are computed from the lines). Either output may be omitted;
/// the streams only the omitted table needs are then not drawn.
/// </summary>
internal sealed class OrderGenerator : TblGenerator
{
    /// <summary>dss.h O_ODATE_MAX: orders end 151 days (max ship + max receipt delay) before ENDDATE.</summary>
    internal const int LastOrderDay = TpchDates.TotalDays - (121 + 30) - 1;

    internal const int MaxLines = 7;

    internal const long LineCountSeed = 1434868289;
    private const int CustomerMortality = 3;

    private static readonly TextLength OrderCommentLength = TextLength.FromAverage(49);
    private static readonly TextLength LineCommentLength = TextLength.FromAverage(27);

    private readonly TpchScale _scale;
    private readonly TextPool _pool;
    private readonly TblBuffer? _orders;
    private readonly TblBuffer? _lines;
    private readonly long _clerks;
    private readonly Line[] _lineValues = new Line[MaxLines];

    private DbgenRandom _orderDate = new(1066728069, 1);
    private DbgenRandom _lineCount = new(LineCountSeed, 1);
    private DbgenRandom _customer = new(851767375, 1);
    private DbgenRandom _priority = new(591449447, 1);
    private DbgenRandom _clerk = new(1171034773, 1);
    private DbgenRandom _orderComment = new(276090261, 2);

    private DbgenRandom _quantity = new(209208115, MaxLines);
    private DbgenRandom _discount = new(554590007, MaxLines);
    private DbgenRandom _tax = new(721958466, MaxLines);
    private DbgenRandom _partKey = new(1808217256, MaxLines);
    private DbgenRandom _shipDate = new(1769349045, MaxLines);
    private DbgenRandom _instruction = new(1371272478, MaxLines);
    private DbgenRandom _shipMode = new(675466456, MaxLines);
    private DbgenRandom _supplier = new(2095021727, MaxLines);
    private DbgenRandom _commitDate = new(904914315, MaxLines);
    private DbgenRandom _receiptDate = new(373135028, MaxLines);
    private DbgenRandom _returnFlag = new(717419739, MaxLines);
    private DbgenRandom _lineComment = new(1095462486, MaxLines * 2);

    public OrderGenerator(TpchScale scale, TextPool pool, long firstRow, long rowCount, TblBuffer? orders, TblBuffer? lines)
        : base(firstRow, rowCount)
    {
        if (orders is null && lines is null)
        {
            throw new ArgumentException("At least one of ORDERS and LINEITEM must be generated.", nameof(orders));
        }

        _scale = scale;
        _pool = pool;
        _orders = orders;
        _lines = lines;
        _clerks = Math.Max(scale.IntegerScale * 1000, 1000);

        _orderDate.AdvanceRows(firstRow);
        _lineCount.AdvanceRows(firstRow);
        _quantity.AdvanceRows(firstRow);
        _discount.AdvanceRows(firstRow);
        _tax.AdvanceRows(firstRow);
        _partKey.AdvanceRows(firstRow);
        _shipDate.AdvanceRows(firstRow);
        if (orders is not null)
        {
            _customer.AdvanceRows(firstRow);
            _priority.AdvanceRows(firstRow);
            _clerk.AdvanceRows(firstRow);
            _orderComment.AdvanceRows(firstRow);
        }

        if (lines is not null)
        {
            _instruction.AdvanceRows(firstRow);
            _shipMode.AdvanceRows(firstRow);
            _supplier.AdvanceRows(firstRow);
            _commitDate.AdvanceRows(firstRow);
            _receiptDate.AdvanceRows(firstRow);
            _returnFlag.AdvanceRows(firstRow);
            _lineComment.AdvanceRows(firstRow);
        }
    }

    protected override bool IsAnyOutputFull => (_orders?.IsFull ?? false) || (_lines?.IsFull ?? false);

    /// <summary>dss.h <c>MK_SPARSE</c>: keep the low 3 bits, insert 2 zero bits above them, so 8 of every 32 keys are used.</summary>
    internal static long OrderKey(long row) => ((row >> 3) << 5) | (row & 7);

    protected override void GenerateRow(long row)
    {
        int orderDay = _orderDate.NextInt(0, LastOrderDay);
        int lineCount = _lineCount.NextInt(1, MaxLines);
        bool writeLines = _lines is not null;

        long totalPrice = 0;
        int shipped = 0;
        Line[] lines = _lineValues;
        for (int i = 0; i < lineCount; i++)
        {
            ref Line line = ref lines[i];
            line.Quantity = _quantity.NextInt(1, 50);
            line.Discount = _discount.NextInt(0, 10);
            line.Tax = _tax.NextInt(0, 8);
            line.PartKey = _partKey.NextLong(1, _scale.Parts);
            line.ExtendedPrice = RetailPriceCents(line.PartKey) * line.Quantity;

            // In cents, truncating as dbgen does: ⌊⌊e·(100 − d)/100⌋·(100 + t)/100⌋.
            totalPrice += line.ExtendedPrice * (100 - line.Discount) / 100 * (100 + line.Tax) / 100;

            line.ShipDay = orderDay + _shipDate.NextInt(1, 121);
            if (line.ShipDay <= TpchDates.CurrentDay)
            {
                shipped++;
            }

            if (writeLines)
            {
                line.Instruction = Distributions.ShipInstructions.Pick(ref _instruction);
                line.ShipMode = Distributions.ShipModes.Pick(ref _shipMode);
                (line.CommentOffset, line.CommentLength) = _pool.Draw(ref _lineComment, LineCommentLength);
                line.SupplierKey = PartSupplier(line.PartKey, _supplier.NextInt(0, 3), _scale.Suppliers);
                line.CommitDay = orderDay + _commitDate.NextInt(30, 90);
                line.ReceiptDay = line.ShipDay + _receiptDate.NextInt(1, 30);
                line.ReturnFlag = line.ReceiptDay <= TpchDates.CurrentDay
                    ? Distributions.ReturnFlags.Utf8Values[Distributions.ReturnFlags.Pick(ref _returnFlag)][0]
                    : (byte)'N';
            }
        }

        long orderKey = OrderKey(row);
        if (_orders is { } orders)
        {
            byte status = shipped == lineCount ? (byte)'F' : shipped > 0 ? (byte)'P' : (byte)'O';
            WriteOrder(orders, orderKey, status, totalPrice, orderDay);
        }

        if (_lines is { } output)
        {
            for (int i = 0; i < lineCount; i++)
            {
                WriteLine(output, orderKey, i + 1, in lines[i]);
            }
        }

        _orderDate.RowFinished();
        _lineCount.RowFinished();
        _quantity.RowFinished();
        _discount.RowFinished();
        _tax.RowFinished();
        _partKey.RowFinished();
        _shipDate.RowFinished();
        if (_orders is not null)
        {
            _customer.RowFinished();
            _priority.RowFinished();
            _clerk.RowFinished();
            _orderComment.RowFinished();
        }

        if (writeLines)
        {
            _instruction.RowFinished();
            _shipMode.RowFinished();
            _supplier.RowFinished();
            _commitDate.RowFinished();
            _receiptDate.RowFinished();
            _returnFlag.RowFinished();
            _lineComment.RowFinished();
        }
    }

    private void WriteOrder(TblBuffer output, long orderKey, byte status, long totalPrice, int orderDay)
    {
        // Customers whose key is a multiple of 3 never order (dss.h CUST_MORTALITY): step off them,
        // alternating up and down and never past the last customer.
        long customerKey = _customer.NextLong(1, _scale.Customers);
        long delta = 1;
        while (customerKey % CustomerMortality == 0)
        {
            customerKey = Math.Min(customerKey + delta, _scale.Customers);
            delta = -delta;
        }

        output.Integer(orderKey);
        output.Integer(customerKey);
        output.Char(status);
        output.Money(totalPrice);
        output.Date(orderDay);
        output.Text(Distributions.OrderPriorities.Utf8Values[Distributions.OrderPriorities.Pick(ref _priority)]);
        output.Tagged("Clerk#"u8, _clerk.NextLong(1, _clerks), 9);
        output.Integer(0);
        output.Text(_pool.Slice(ref _orderComment, OrderCommentLength));
        output.EndRow();
    }

    private void WriteLine(TblBuffer output, long orderKey, int lineNumber, in Line line)
    {
        output.Integer(orderKey);
        output.Integer(line.PartKey);
        output.Integer(line.SupplierKey);
        output.Integer(lineNumber);
        output.Integer(line.Quantity);
        output.Money(line.ExtendedPrice);
        output.Money(line.Discount);
        output.Money(line.Tax);
        output.Char(line.ReturnFlag);
        output.Char(line.ShipDay <= TpchDates.CurrentDay ? (byte)'F' : (byte)'O');
        output.Date(line.ShipDay);
        output.Date(line.CommitDay);
        output.Date(line.ReceiptDay);
        output.Text(Distributions.ShipInstructions.Utf8Values[line.Instruction]);
        output.Text(Distributions.ShipModes.Utf8Values[line.ShipMode]);
        output.Text(_pool.Slice(line.CommentOffset, line.CommentLength));
        output.EndRow();
    }

    private struct Line
    {
        public int Quantity;
        public int Discount;
        public int Tax;
        public long PartKey;
        public long SupplierKey;
        public long ExtendedPrice;
        public int ShipDay;
        public int CommitDay;
        public int ReceiptDay;
        public byte ReturnFlag;
        public int Instruction;
        public int ShipMode;
        public int CommentOffset;
        public int CommentLength;
    }
}

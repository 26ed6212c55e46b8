namespace Ppml.Data.Tpch.Generation;

/// <summary>
/// Length bounds of a dbgen text column: [(int)(avg · 0.4), (int)(avg · 1.6)] (dss.h V_STR_LOW, V_STR_HGH),
/// computed in double precision exactly as dbgen's <c>TEXT</c> and <c>V_STR</c> macros do.
/// </summary>
internal readonly record struct TextLength(int Min, int Max)
{
    public static TextLength FromAverage(int average) => new((int)(average * 0.4), (int)(average * 1.6));
}

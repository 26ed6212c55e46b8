namespace Ppml.Cli.Tpch;

/// <summary>One answered query of <see cref="TpchRunReport"/>.</summary>
internal sealed record TpchRunQueryReport(int Query, int Rows, double Milliseconds);

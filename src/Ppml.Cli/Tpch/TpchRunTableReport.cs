namespace Ppml.Cli.Tpch;

/// <summary>One loaded table of <see cref="TpchRunReport"/>.</summary>
internal sealed record TpchRunTableReport(string Name, long Rows, int Parts, int EncryptedParts, double Milliseconds);

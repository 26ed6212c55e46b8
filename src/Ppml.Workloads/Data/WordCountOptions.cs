namespace Ppml.Workloads.Data;

/// <summary>What <see cref="ExampleWorkloads.WordCountAsync"/> counts and where the counts go.</summary>
public sealed class WordCountOptions
{
    /// <summary>A text file or directory of parts, plain or encrypted. <value>Default: <see langword="null"/>, the embedded Hamlet soliloquy, encrypted first.</value></summary>
    public string? Input { get; init; }

    /// <summary>
    /// The file the (word, count) rows are written to, as JSON or Parquet when its name says so, else CSV;
    /// <see langword="null"/> returns the counts instead.
    /// </summary>
    public string? Output { get; init; }

    /// <summary>Whether <see cref="Output"/> is encrypted (<c>.ppml</c> appended for CSV and JSON).</summary>
    public bool Encrypt { get; init; }

    /// <summary>The key of an encrypted output. <value>Default: <see langword="null"/>, the session's default key.</value></summary>
    public string? KeyName { get; init; }

    /// <summary>Whether an existing <see cref="Output"/> is replaced.</summary>
    public bool Overwrite { get; init; }
}

namespace Ppml.Data.Tpch;

/// <summary>A benchmark run is void: a query answered differently in one variant than in an earlier run.</summary>
public sealed class TpchBenchmarkException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public TpchBenchmarkException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What differed.</param>
    public TpchBenchmarkException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What differed.</param>
    /// <param name="innerException">The cause.</param>
    public TpchBenchmarkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

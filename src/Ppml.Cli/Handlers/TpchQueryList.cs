using Ppml.Data.Tpch;

namespace Ppml.Cli.Handlers;

/// <summary>Parses <c>--queries</c> with <see cref="TpchQuerySelection"/>; a malformed list is a usage error.</summary>
internal static class TpchQueryList
{
    public static IReadOnlyList<int> Parse(string? text)
    {
        try
        {
            return TpchQuerySelection.Parse(text, "--queries");
        }
        catch (FormatException exception)
        {
            throw CliException.Usage(exception.Message);
        }
    }
}

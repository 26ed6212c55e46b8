using System.Globalization;
using Ppml.Data.Tpch;

namespace Ppml.Cli.Handlers;

/// <summary>Parses <c>--queries</c>: numbers and ranges separated by commas (<c>1,3,5-7</c>), each query at most once.</summary>
internal static class TpchQueryList
{
    public static IReadOnlyList<int> Parse(string? text)
    {
        if (text is null)
        {
            return TpchQueries.All;
        }

        var queries = new List<int>();
        foreach (string rawItem in text.Split(','))
        {
            string item = rawItem.Trim();
            int dash = item.IndexOf('-', StringComparison.Ordinal);
            int first;
            int last;
            if (dash < 0)
            {
                first = last = ParseNumber(item, text);
            }
            else
            {
                first = ParseNumber(item[..dash].Trim(), text);
                last = ParseNumber(item[(dash + 1)..].Trim(), text);
                if (last < first)
                {
                    throw CliException.Usage($"--queries '{text}': the range '{item}' runs backwards; write it as {last}-{first}.");
                }
            }

            for (int query = first; query <= last; query++)
            {
                if (queries.Contains(query))
                {
                    throw CliException.Usage($"--queries '{text}' names query {query} twice.");
                }

                queries.Add(query);
            }
        }

        return queries;
    }

    private static int ParseNumber(string item, string text)
    {
        if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out int query) || query < 1 || query > TpchQueries.Count)
        {
            throw CliException.Usage(
                $"--queries '{text}': '{item}' is not a query number 1..{TpchQueries.Count}; write a list of numbers and ranges such as 1,3,5-7.");
        }

        return query;
    }
}

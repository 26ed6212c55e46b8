using System.Globalization;

namespace Ppml.Data.Tpch;

/// <summary>Parses a list of TPC-H query numbers: numbers and ranges separated by commas (<c>1,3,5-7</c>), each query at most once.</summary>
public static class TpchQuerySelection
{
    /// <summary>The default name of the list in error messages.</summary>
    public const string DefaultListName = "Query list";

    /// <summary>
    /// Parses <paramref name="text"/> into query numbers, in the order given: <c>"1,3,5-7"</c> is 1, 3, 5, 6, 7. Spaces
    /// around numbers are allowed.
    /// </summary>
    /// <param name="text">The list; <see langword="null"/> selects all 22 queries (<see cref="TpchQueries.All"/>).</param>
    /// <param name="listName">How error messages name the list, for example a command-line option such as <c>--queries</c>.</param>
    /// <returns>The query numbers, each 1..22, without duplicates.</returns>
    /// <exception cref="FormatException">
    /// An item is not a query number 1..22, a range runs backwards, or a query is named twice; the message names the
    /// list, the item and the fix.
    /// </exception>
    public static IReadOnlyList<int> Parse(string? text, string listName = DefaultListName)
    {
        ArgumentNullException.ThrowIfNull(listName);
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
                first = last = ParseNumber(item, text, listName);
            }
            else
            {
                first = ParseNumber(item[..dash].Trim(), text, listName);
                last = ParseNumber(item[(dash + 1)..].Trim(), text, listName);
                if (last < first)
                {
                    throw new FormatException($"{listName} '{text}': the range '{item}' runs backwards; write it as {last}-{first}.");
                }
            }

            for (int query = first; query <= last; query++)
            {
                if (queries.Contains(query))
                {
                    throw new FormatException($"{listName} '{text}' names query {query} twice.");
                }

                queries.Add(query);
            }
        }

        return queries;
    }

    private static int ParseNumber(string item, string text, string listName)
    {
        if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out int query) || query < 1 || query > TpchQueries.Count)
        {
            throw new FormatException(
                $"{listName} '{text}': '{item}' is not a query number 1..{TpchQueries.Count}; write a list of numbers and ranges such as 1,3,5-7.");
        }

        return query;
    }
}

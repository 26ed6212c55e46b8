using System.Text;

namespace Ppml.Data.Tpch.Generation;

/// <summary>
/// A weighted list of strings from dbgen's <c>dists.dss</c>. dbgen stores cumulative weights and its
/// <c>pick_str</c> draws j uniformly in [1, total] and returns the first member whose cumulative weight is
/// at least j; a lookup table indexed by j − 1 gives the same member in O(1).
/// </summary>
internal sealed class Distribution
{
    private readonly int[] _memberByDraw;

    public Distribution(string name, IReadOnlyList<(string Value, int Weight)> members)
    {
        Name = name;
        Values = new string[members.Count];
        Utf8Values = new byte[members.Count][];
        CumulativeWeights = new int[members.Count];
        int total = 0;
        for (int i = 0; i < members.Count; i++)
        {
            Values[i] = members[i].Value;
            Utf8Values[i] = Encoding.ASCII.GetBytes(members[i].Value);
            total += members[i].Weight;
            CumulativeWeights[i] = total;
        }

        TotalWeight = total;
        _memberByDraw = new int[Math.Max(total, 0)];
        int member = 0;
        for (int draw = 0; draw < total; draw++)
        {
            while (CumulativeWeights[member] <= draw)
            {
                member++;
            }

            _memberByDraw[draw] = member;
        }
    }

    public string Name { get; }

    public string[] Values { get; }

    public byte[][] Utf8Values { get; }

    /// <summary>Cumulative weights, as dbgen's <c>read_dist</c> stores them.</summary>
    public int[] CumulativeWeights { get; }

    public int TotalWeight { get; }

    public int Count => Values.Length;

    /// <summary>dbgen's <c>pick_str</c>: one draw from <paramref name="random"/>, returns the member index.</summary>
    public int Pick(ref DbgenRandom random) => _memberByDraw[random.NextInt(1, TotalWeight) - 1];
}

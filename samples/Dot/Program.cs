// The seed's numpy dot product over an encrypted matrix: read A (CSV, one row per line) from a PPML container,
// compute A·Aᵀ in memory, write it encrypted under a key drawn inside the TEE.
// Run: ppml submit Dot.dll matrix.csv.ppml gram.csv.ppml
using System.Globalization;
using System.Text;
using Ppml.Workloads;
using Ppml.Workloads.Workspace;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Dot INPUT.csv.ppml OUTPUT.csv.ppml");
    return 2;
}

var host = new WorkloadHost { Diagnostics = Console.Error };
try
{
    await using PpmlSession session = await KmsTarget.FromEnvironment(host).OpenSessionAsync(host, keyName: null, CancellationToken.None);
    var rows = new List<double[]>();
    await using (Stream input = await session.OpenInputAsync(args[0]))
    using (var reader = new StreamReader(input))
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length > 0)
            {
                rows.Add([.. line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))]);
            }
        }
    }

    int n = rows.Count;
    var gram = new double[n, n];
    double trace = 0;
    for (int i = 0; i < n; i++)
    {
        for (int j = 0; j < n; j++)
        {
            double sum = 0;
            for (int k = 0; k < rows[i].Length; k++)
            {
                sum += rows[i][k] * rows[j][k];
            }

            gram[i, j] = sum;
        }

        trace += gram[i, i];
    }

    var csv = new StringBuilder();
    for (int i = 0; i < n; i++)
    {
        csv.AppendLine(string.Join(',', Enumerable.Range(0, n).Select(j => gram[i, j].ToString(CultureInfo.InvariantCulture))));
    }

    await session.WriteOutputAsync(args[1], keyName: null, overwrite: false, (stream, token) => stream.WriteAsync(Encoding.UTF8.GetBytes(csv.ToString()), token).AsTask());
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"A is {n}x{rows[0].Length}; A·Aᵀ is {n}x{n}, trace {trace}; written encrypted to {args[1]}"));
    return 0;
}
catch (Exception exception) when (exception is not OperationCanceledException)
{
    Console.Error.WriteLine($"dot: error: {exception.Message}");
    return 1;
}

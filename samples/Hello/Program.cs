// The seed's "hello world", as an attested workload: open the session (the TEE runtime measures this program and
// refuses anything changed), then read an encrypted greeting whose key the KMS releases only to this program.
// Run: ppml submit Hello.dll greeting.txt.ppml
using Ppml.Workloads;
using Ppml.Workloads.Workspace;

var host = new WorkloadHost { Diagnostics = Console.Error };
try
{
    await using PpmlSession session = await KmsTarget.FromEnvironment(host).OpenSessionAsync(host, keyName: null, CancellationToken.None);
    Console.WriteLine($"Hello from PPML for .NET: running {(session.IsAttested ? "attested" : "unattested")} ({session.TeeLabel}).");
    if (args.Length > 0)
    {
        await using Stream greeting = await session.OpenInputAsync(args[0]);
        using var reader = new StreamReader(greeting);
        Console.WriteLine(await reader.ReadToEndAsync());
    }

    return 0;
}
catch (Exception exception) when (exception is not OperationCanceledException)
{
    Console.Error.WriteLine($"hello: error: {exception.Message}");
    return 1;
}

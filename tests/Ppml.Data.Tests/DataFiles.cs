using Ppml.Kms;
using Ppml.Kms.Envelope;

namespace Ppml.Data.Tests;

/// <summary>Writes plain and encrypted test inputs.</summary>
internal static class DataFiles
{
    public static string Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Encrypts <paramref name="plainPath"/> to <c>plainPath.ppml</c> (small segments, so tests cross segment boundaries).</summary>
    public static async Task<string> EncryptAsync(IKeyManagementService kms, string plainPath, string? target = null, string key = "primary")
    {
        target ??= plainPath + ".ppml";
        await EnvelopeEncryption.EncryptFileAsync(
            kms, key, plainPath, target, new Ppml.Crypto.Container.ContainerOptions { SegmentSize = 4096 }, overwrite: true, cancellationToken: TestContext.Current.CancellationToken);
        return target;
    }

    /// <summary>A context with the given transport: "memfd", "appender" or null (automatic).</summary>
    public static async Task<PpmlContext> OpenAsync(IKeyManagementService kms, string? transport = null)
    {
        if (transport == "memfd")
        {
            Assert.SkipUnless(IO.MemoryFile.IsSupported, "memfd_create is Linux-only.");
        }

        DecryptedInputTransport chosen = transport switch
        {
            "memfd" => DecryptedInputTransport.MemoryFile,
            "appender" => DecryptedInputTransport.Appender,
            _ => DecryptedInputTransport.Auto,
        };
        return await PpmlContext.OpenAsync(kms, new PpmlContextOptions { Transport = chosen, MemoryLimit = "1GB" }, TestContext.Current.CancellationToken);
    }

    public static string Rows(QueryResult result) =>
        string.Join("\n", result.Rows.Select(row => string.Join("|", row.Select(v => v is null ? "NULL" : Writing.ValueText.Format(v)))));

    public static string Types(QueryResult result) => string.Join(",", result.Columns.Select(c => $"{c.Name}:{c.TypeName}"));
}

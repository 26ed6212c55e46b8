using Ppml.Core.IO;
using Ppml.Kms;
using Ppml.Kms.Envelope;

namespace Ppml.Data.Examples;

/// <summary>
/// The sample inputs embedded in this assembly, so the examples need no files: Spark's <c>people.json</c> and
/// <c>people.txt</c> (Apache License 2.0) and the Hamlet soliloquy that Flink's WordCount uses (public domain).
/// </summary>
public static class ExampleData
{
    /// <summary>Spark's <c>examples/src/main/resources/people.json</c> (JSON Lines, 3 records).</summary>
    public const string PeopleJson = "people.json";

    /// <summary>Spark's <c>examples/src/main/resources/people.txt</c> ("name, age" lines).</summary>
    public const string PeopleText = "people.txt";

    /// <summary>The 35 lines of Hamlet's soliloquy from Flink's <c>WordCountData</c>.</summary>
    public const string Hamlet = "hamlet.txt";

    /// <summary>Opens embedded sample <paramref name="name"/>.</summary>
    /// <param name="name">One of <see cref="PeopleJson"/>, <see cref="PeopleText"/>, <see cref="Hamlet"/>.</param>
    /// <returns>A read-only stream.</returns>
    /// <exception cref="ArgumentException">No such sample.</exception>
    public static Stream Open(string name) =>
        typeof(ExampleData).Assembly.GetManifestResourceStream("Ppml.Data.Examples." + name)
        ?? throw new ArgumentException($"There is no embedded sample '{name}'.", nameof(name));

    /// <summary>
    /// Writes sample <paramref name="name"/> into <paramref name="directory"/> as a PPML container
    /// (<c>name.ppml</c>) under a fresh data key from <paramref name="kms"/>; the plaintext never touches the disk.
    /// </summary>
    /// <param name="kms">The key service.</param>
    /// <param name="keyName">The primary key that wraps the data key.</param>
    /// <param name="name">The sample.</param>
    /// <param name="directory">Where to write it.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The container's path.</returns>
    public static async Task<string> EncryptToAsync(IKeyManagementService kms, string keyName, string name, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kms);
        string path = Path.Combine(directory, name + ".ppml");
        await AtomicFile.WriteAsync(
            path,
            async (output, token) =>
            {
                Stream sample = Open(name);
                await using (sample.ConfigureAwait(false))
                {
                    var container = await EnvelopeEncryption.CreateWriteAsync(kms, keyName, output, leaveOpen: true, cancellationToken: token).ConfigureAwait(false);
                    await using (container.ConfigureAwait(false))
                    {
                        await sample.CopyToAsync(container, token).ConfigureAwait(false);
                        await container.CompleteAsync(token).ConfigureAwait(false);
                    }
                }
            },
            overwrite: true,
            mode: null,
            cancellationToken).ConfigureAwait(false);
        return path;
    }
}

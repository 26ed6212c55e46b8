using Ppml.Core.IO;

namespace Ppml.Crypto.Keys;

/// <summary>Reads secrets from files: never from the command line.</summary>
public static class PasswordFile
{
    /// <summary>The largest password file accepted, in bytes.</summary>
    public const int MaxLength = 4096;

    /// <summary>
    /// Reads a password from <paramref name="path"/> ("-" reads standard input through <paramref name="stdin"/>),
    /// dropping one trailing line break. Throws <see cref="InvalidDataException"/> for an empty or oversized file.
    /// </summary>
    /// <param name="path">The file to read, or "-" for <paramref name="stdin"/>.</param>
    /// <param name="stdin">The reader used for "-"; <see langword="null"/> when standard input is not allowed.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The password.</returns>
    public static Task<string> ReadAsync(string path, TextReader? stdin = null, CancellationToken cancellationToken = default) =>
        ReadAsync(path, stdin, DefaultLabel, cancellationToken);

    /// <summary>
    /// Reads a secret from <paramref name="path"/> like <see cref="ReadAsync(string, TextReader?, CancellationToken)"/>, naming the
    /// file <paramref name="label"/> in messages (<c>API key file</c>, <c>Operator secret file</c>). The file must be owner-only
    /// (<see cref="SecretFiles"/>): group or others able to read or write it make the call throw <see cref="InsecureFileException"/>.
    /// </summary>
    /// <param name="path">The file to read, or "-" for <paramref name="stdin"/>.</param>
    /// <param name="stdin">The reader used for "-"; <see langword="null"/> when standard input is not allowed.</param>
    /// <param name="label">What the file is, capitalized, for messages: <c>Password file</c>, <c>API key file</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The secret.</returns>
    public static async Task<string> ReadAsync(string path, TextReader? stdin, string label, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(label);
        string text;
        if (path == "-")
        {
            if (stdin is null)
            {
                throw new InvalidDataException($"{label} '-' (standard input) is not supported here; pass a file.");
            }

            text = await stdin.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new FileNotFoundException($"{label} '{path}' does not exist.", path);
            }

            if (info.Length > MaxLength)
            {
                throw new InvalidDataException($"{label} '{path}' is {info.Length} bytes; at most {MaxLength} are accepted.");
            }

            text = await SecretFiles.ReadAllTextAsync(path, SecretFileKind.Secret, cancellationToken).ConfigureAwait(false);
        }

        if (text.EndsWith("\r\n", StringComparison.Ordinal))
        {
            text = text[..^2];
        }
        else if (text.EndsWith('\n'))
        {
            text = text[..^1];
        }

        if (text.Length == 0)
        {
            throw new InvalidDataException($"{label} '{path}' is empty.");
        }

        return text;
    }

    /// <summary>The label of a password file in messages.</summary>
    public const string DefaultLabel = "Password file";

    /// <summary>The label of an API key file (<c>--api-key-file</c>) in messages.</summary>
    public const string ApiKeyLabel = "API key file";
}

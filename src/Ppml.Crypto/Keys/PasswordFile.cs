using System.Text;

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
    public static async Task<string> ReadAsync(string path, TextReader? stdin = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        if (path == "-")
        {
            if (stdin is null)
            {
                throw new InvalidDataException("Reading the password from standard input ('-') is not supported here; pass a file.");
            }

            text = await stdin.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new FileNotFoundException($"Password file '{path}' does not exist.", path);
            }

            if (info.Length > MaxLength)
            {
                throw new InvalidDataException($"Password file '{path}' is {info.Length} bytes; at most {MaxLength} are accepted.");
            }

            text = await File.ReadAllTextAsync(path, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
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
            throw new InvalidDataException($"Password file '{path}' is empty.");
        }

        return text;
    }
}

using System.Text.RegularExpressions;

namespace Ppml.Kms;

/// <summary>Key naming rule shared by every provider.</summary>
public static partial class KeyNames
{
    /// <summary>The rule, for messages.</summary>
    public const string Rule = "1-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit";

    /// <summary>Throws <see cref="KmsException"/> when <paramref name="name"/> breaks <see cref="Rule"/>.</summary>
    /// <param name="name">The key name.</param>
    public static void Validate(string name)
    {
        if (string.IsNullOrEmpty(name) || !NamePattern().IsMatch(name))
        {
            throw new KmsException(KmsErrorCode.InvalidKeyName, $"Key name '{name}' is invalid: use {Rule}.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Ppml.Workloads.Learning;

namespace Ppml.Cli.Learning;

/// <summary>
/// Parse-time rules for the numeric options of the learning commands: a bad value is one line naming the option and
/// exit 2, before any key is asked for or any data is read.
/// </summary>
internal static class LearningOptionRules
{
    /// <summary>The value must be at least 1.</summary>
    public static Option<int> MustBePositive(this Option<int> option)
    {
        option.Validators.Add(result => Check(result, Value<int>(result, out int value) is false || value > 0, "a positive integer"));
        return option;
    }

    /// <summary>The value, when given, must be at least 1.</summary>
    public static Option<int?> MustBePositive(this Option<int?> option)
    {
        option.Validators.Add(result => Check(result, Value<int?>(result, out int? value) is false || value is null or > 0, "a positive integer"));
        return option;
    }

    /// <summary>The value, when given, must be a finite number above 0.</summary>
    public static Option<float?> MustBePositiveFinite(this Option<float?> option)
    {
        option.Validators.Add(result => Check(result, Value<float?>(result, out float? given) is false || given is not { } value || (value > 0f && float.IsFinite(value)), "a positive finite number"));
        return option;
    }

    /// <summary>The value, when given, must be an ONNX input shape holding one 28x28 image (<see cref="LeNetWorkload.ParseShape"/>).</summary>
    public static Option<string?> MustBeImageShape(this Option<string?> option)
    {
        option.Validators.Add(result =>
        {
            if (!Value<string?>(result, out string? shape) || shape is null)
            {
                return;
            }

            try
            {
                _ = LeNetWorkload.ParseShape(shape);
            }
            catch (FormatException exception)
            {
                result.AddError($"{Name(result)} {exception.Message}");
            }
        });
        return option;
    }

    /// <summary>
    /// The converted value; <see langword="false"/> when the text did not convert (System.CommandLine has reported that
    /// already, as "'abc' is not a whole number"; a validator still runs, and GetValueOrDefault then throws).
    /// </summary>
    private static bool Value<T>(OptionResult result, out T? value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }

    private static void Check(OptionResult result, bool valid, string expected)
    {
        if (!valid)
        {
            string given = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "(none)";
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{Name(result)} must be {expected}, got '{given}'."));
        }
    }

    // The spelling the user typed (an alias such as --batch-size included).
    private static string Name(OptionResult result) => result.IdentifierToken?.Value ?? result.Option.Name;
}

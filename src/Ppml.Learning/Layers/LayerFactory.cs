using System.Globalization;

namespace Ppml.Learning.Layers;

/// <summary>
/// Parses the canonical one-line layer descriptions that <see cref="Layer.Describe"/> writes (and the model
/// file stores): <c>Name</c> or <c>Name(key=value, …)</c>, or <c>Reshape(AxBxC)</c>. Throws
/// <see cref="FormatException"/> on anything else; the caller adds the input name.
/// </summary>
internal static class LayerFactory
{
    public static Layer Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        int open = line.IndexOf('(', StringComparison.Ordinal);
        string name = open < 0 ? line : line[..open];
        string arguments = string.Empty;
        if (open >= 0)
        {
            if (!line.EndsWith(')'))
            {
                throw new FormatException($"layer '{Truncate(line)}' has no closing parenthesis");
            }

            arguments = line[(open + 1)..^1];
        }

        return name switch
        {
            "Linear" => Build(arguments, name, a => new Linear(a.Int("in"), a.Int("out"))),
            "Conv2d" => Build(arguments, name, a =>
            {
                (int kh, int kw) = a.Pair("kernel");
                (int sh, int sw) = a.Pair("stride");
                (int ph, int pw) = a.Pair("padding");
                return new Conv2d(a.Int("in"), a.Int("out"), kh, kw, sh, sw, ph, pw);
            }),
            "MaxPool2d" => Build(arguments, name, a =>
            {
                (int kh, int kw) = a.Pair("kernel");
                (int sh, int sw) = a.Pair("stride");
                return new MaxPool2d(kh, kw, sh, sw);
            }),
            "AvgPool2d" => Build(arguments, name, a =>
            {
                (int kh, int kw) = a.Pair("kernel");
                (int sh, int sw) = a.Pair("stride");
                return new AvgPool2d(kh, kw, sh, sw);
            }),
            "BatchNorm" => Build(arguments, name, a => new BatchNorm(a.Int("features"), a.Float("eps"), a.Float("momentum"))),
            "Dropout" => Build(arguments, name, a => new Dropout(a.Float("p"))),
            "Normalize" => Build(arguments, name, a => new Normalize(a.Float("mean"), a.Float("std"))),
            "Reshape" => new Reshape(ParseShape(arguments)),
            "Tanh" when open < 0 => new Tanh(),
            "ReLU" when open < 0 => new Relu(),
            "Sigmoid" when open < 0 => new Sigmoid(),
            "LogSoftmax" when open < 0 => new LogSoftmax(),
            _ => throw new FormatException($"unknown layer '{Truncate(line)}'"),
        };
    }

    /// <summary>Parses <c>AxBxC</c> into dimensions.</summary>
    public static int[] ParseShape(string text)
    {
        string[] parts = text.Split('x');
        int[] shape = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]) || shape[i] <= 0)
            {
                throw new FormatException($"shape '{Truncate(text)}' is not a list of positive integers joined by 'x'");
            }
        }

        return shape;
    }

    private static Layer Build(string arguments, string name, Func<Arguments, Layer> create)
    {
        var parsed = new Arguments(name, arguments);
        Layer layer;
        try
        {
            layer = create(parsed);
        }
        catch (ArgumentException exception)
        {
            throw new FormatException($"layer {name}: {exception.Message}", exception);
        }

        parsed.EnsureAllUsed();
        return layer;
    }

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";

    private sealed class Arguments
    {
        private readonly string _layer;
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        public Arguments(string layer, string text)
        {
            _layer = layer;
            foreach (string part in text.Split(", ", StringSplitOptions.None))
            {
                int equals = part.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0 || !_values.TryAdd(part[..equals], part[(equals + 1)..]))
                {
                    throw new FormatException($"layer {layer}: argument '{Truncate(part)}' is not a unique key=value pair");
                }
            }
        }

        public int Int(string key) =>
            int.TryParse(Get(key), NumberStyles.None, CultureInfo.InvariantCulture, out int value)
                ? value
                : throw new FormatException($"layer {_layer}: '{key}' is not a non-negative integer");

        public float Float(string key) =>
            float.TryParse(Get(key), NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && float.IsFinite(value)
                ? value
                : throw new FormatException($"layer {_layer}: '{key}' is not a finite number");

        public (int First, int Second) Pair(string key)
        {
            int[] values = ParseShape(Get(key), allowZero: true);
            return values.Length == 2
                ? (values[0], values[1])
                : throw new FormatException($"layer {_layer}: '{key}' is not a pair AxB");
        }

        public void EnsureAllUsed()
        {
            foreach (string key in _values.Keys)
            {
                if (!_used.Contains(key))
                {
                    throw new FormatException($"layer {_layer}: unexpected argument '{Truncate(key)}'");
                }
            }
        }

        private string Get(string key)
        {
            _used.Add(key);
            return _values.TryGetValue(key, out string? value)
                ? value
                : throw new FormatException($"layer {_layer}: missing argument '{key}'");
        }

        private static int[] ParseShape(string text, bool allowZero)
        {
            string[] parts = text.Split('x');
            int[] shape = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out shape[i]) || (!allowZero && shape[i] == 0))
                {
                    throw new FormatException($"'{Truncate(text)}' is not a list of integers joined by 'x'");
                }
            }

            return shape;
        }
    }
}

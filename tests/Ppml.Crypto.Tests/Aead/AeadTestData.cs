using System.Text.Json;

namespace Ppml.Crypto.Tests.Aead;

/// <summary>Loads TestData/vectors/primitives.json and TestData/aead/legacy-vectors.json (sources in TestData/README.md).</summary>
internal static class AeadTestData
{
    private static readonly Lazy<JsonDocument> s_primitives = new(() => Load("vectors", "primitives.json"));
    private static readonly Lazy<JsonDocument> s_legacy = new(() => Load("aead", "legacy-vectors.json"));

    public static IEnumerable<JsonElement> Primitives(string family) => s_primitives.Value.RootElement.GetProperty(family).EnumerateArray();

    public static IEnumerable<JsonElement> Legacy(string family) => s_legacy.Value.RootElement.GetProperty(family).EnumerateArray();

    public static byte[] Hex(this JsonElement element, string name) => Convert.FromHexString(element.GetProperty(name).GetString()!);

    public static string Text(this JsonElement element, string name) => element.GetProperty(name).GetString()!;

    private static JsonDocument Load(string folder, string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", folder, file)));
}

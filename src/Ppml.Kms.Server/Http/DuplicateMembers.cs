using System.Text.Json;

namespace Ppml.Kms.Server.Http;

/// <summary>
/// Finds the first member that appears twice in one JSON object, with its full path. System.Text.Json refuses such a
/// document (<c>AllowDuplicateProperties = false</c>) but shortens long names in its message; this names the member exactly.
/// </summary>
internal static class DuplicateMembers
{
    /// <summary>The path of the first duplicate member (e.g. <c>policy.allowExpiredCollateral</c>), or <see langword="null"/> if none (or the text is not JSON).</summary>
    public static string? Find(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        var members = new Stack<HashSet<string>?>();
        var path = new Stack<string>();
        string? pending = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        path.Push(pending ?? (members.Count > 0 && members.Peek() is null ? "[]" : string.Empty));
                        members.Push(reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null);
                        pending = null;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        members.Pop();
                        path.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        string name = reader.GetString()!;
                        if (!members.Peek()!.Add(name))
                        {
                            return Join(path, name);
                        }

                        pending = name;
                        break;
                    default:
                        pending = null;
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Not JSON (or an unreadable string): the deserializer reports that itself.
            return null;
        }

        return null;
    }

    private static string Join(Stack<string> path, string name)
    {
        // The stack enumerates innermost first.
        IEnumerable<string> parts = path.Reverse().Where(p => p.Length > 0).Append(name);
        return string.Join('.', parts).Replace(".[]", "[]", StringComparison.Ordinal);
    }
}

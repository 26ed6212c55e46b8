using System.Collections.Concurrent;

namespace Ppml.Attestation.Internal;

/// <summary>
/// A thread-safe memo keyed by exact bytes. It only ever holds results that are pure functions of the key bytes
/// (parsed certificates, signature checks), so a hit can never change an outcome. When it grows past its bound it is
/// cleared; that keeps memory flat under hostile input (every mutated quote is a new key).
/// </summary>
internal sealed class BoundedCache<TValue>
{
    private readonly ConcurrentDictionary<BytesKey, TValue> _entries = new();
    private readonly int _capacity;

    public BoundedCache(int capacity)
    {
        _capacity = capacity;
    }

    public TValue GetOrAdd(BytesKey key, Func<TValue> factory)
    {
        if (_entries.TryGetValue(key, out TValue? value))
        {
            return value;
        }

        value = factory();
        if (_entries.Count >= _capacity)
        {
            _entries.Clear();
        }

        _entries.TryAdd(key, value);
        return value;
    }
}

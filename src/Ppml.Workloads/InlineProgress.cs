namespace Ppml.Workloads;

/// <summary>Reports on the calling thread (<see cref="Progress{T}"/> would post to the thread pool and reorder reports).</summary>
/// <typeparam name="T">The report.</typeparam>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

using System.Text.Json.Serialization;

namespace Ppml.Quickstart;

/// <summary>The outcome of the tour: every step that ran, and the failure that stopped it, if any.</summary>
/// <param name="Passed">Whether every step passed.</param>
/// <param name="Steps">The steps that passed, in order.</param>
/// <param name="Failure">The exception that stopped the tour (the host describes it); <see langword="null"/> when it passed.</param>
public sealed record QuickstartReport(bool Passed, IReadOnlyList<QuickstartStep> Steps, [property: JsonIgnore] Exception? Failure);

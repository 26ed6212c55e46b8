namespace Ppml.Quickstart;

/// <summary>One step of the tour: its name, whether it passed, how long it took and one line saying what it showed.</summary>
/// <param name="Name">The step (<c>init</c>, <c>encrypt</c>, <c>attested-sql</c>, <c>hello</c>, ...).</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Milliseconds">Its wall time.</param>
/// <param name="Detail">What it showed, in one line.</param>
public sealed record QuickstartStep(string Name, bool Passed, long Milliseconds, string Detail);

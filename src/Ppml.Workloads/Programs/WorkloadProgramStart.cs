using Ppml.Workloads.Workspace;

namespace Ppml.Workloads.Programs;

/// <summary>What <see cref="WorkloadProgram.RunAsync"/> starts: a program built against <c>Ppml.Workloads</c>, its arguments, and the workload settings it is given.</summary>
/// <param name="Program">The program's <c>App.dll</c> (absolute, or relative to the host's working directory).</param>
/// <param name="Arguments">The program's own arguments.</param>
/// <param name="Target">
/// The workspace, KMS, API key file, CA, policy and default key the program gets (as <c>PPML_HOME</c>, <c>PPML_KMS</c>,
/// <c>PPML_API_KEY_FILE</c>, <c>PPML_CA_FILE</c>, <c>PPML_POLICY</c>, <c>PPML_KEY</c>; <see cref="KmsTarget.FromEnvironment"/>
/// reads them); its <see cref="KmsTarget.SignedEnclave"/> is the program's signed measurement, by default
/// <c>HOME/enclave/&lt;App&gt;.sig.json</c> when that file exists.
/// </param>
public sealed record WorkloadProgramStart(string Program, IReadOnlyList<string> Arguments, KmsTarget Target);

using Microsoft.Extensions.Options;

namespace Ppml.Kms.Server;

/// <summary>DataAnnotations rules of <see cref="KmsServerOptions"/>, source-generated.</summary>
[OptionsValidator]
internal sealed partial class KmsServerOptionsValidator : IValidateOptions<KmsServerOptions>;

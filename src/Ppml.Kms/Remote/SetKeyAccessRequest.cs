namespace Ppml.Kms.Remote;

/// <summary>Body of <c>PUT /v1/keys/{name}/access</c> (admin): replaces the lists given; a list left out stays as it is.</summary>
public sealed record SetKeyAccessRequest
{
    /// <summary>The new <see cref="KeyDescription.Producers"/>; <see langword="null"/> keeps the current list.</summary>
    public IReadOnlyList<string>? Producers { get; init; }

    /// <summary>The new <see cref="KeyDescription.Readers"/>; <see langword="null"/> keeps the current list.</summary>
    public IReadOnlyList<string>? Readers { get; init; }
}

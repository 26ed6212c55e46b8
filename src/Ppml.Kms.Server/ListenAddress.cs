using System.Globalization;
using System.Net;

namespace Ppml.Kms.Server;

/// <summary>A parsed <c>https://HOST:PORT</c> listen URL.</summary>
internal sealed record ListenAddress(IPAddress? Address, bool IsLocalhost, int Port)
{
    public static bool TryParse(string url, out ListenAddress address, out string? problem)
    {
        address = new ListenAddress(null, false, 0);
        problem = null;
        if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"'{url}' is plain http; the KMS server speaks HTTPS only (use https://).";
            return false;
        }

        // Uri would reject "*" as a host; replace it for parsing.
        string normalized = url.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttps || uri.IsDefaultPort && !url.Contains(":443", StringComparison.Ordinal))
        {
            problem = $"'{url}' is not of the form https://HOST:PORT.";
            return false;
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
        {
            problem = $"'{url}' has a path; give only https://HOST:PORT.";
            return false;
        }

        if (uri.Host == "localhost")
        {
            if (uri.Port == 0)
            {
                problem = $"'{url}': port 0 needs an IP address (https://127.0.0.1:0).";
                return false;
            }

            address = new ListenAddress(null, true, uri.Port);
            return true;
        }

        if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? ip))
        {
            problem = $"'{url}': bind to an IP address, 'localhost' or '*' (not the name '{uri.Host}').";
            return false;
        }

        address = new ListenAddress(ip, false, uri.Port);
        return true;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"https://{(IsLocalhost ? "localhost" : Address!.ToString())}:{Port}");
}

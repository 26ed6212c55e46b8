using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ppml.Kms.Server.Http;

/// <summary>
/// The request boundary: maps <see cref="KmsException"/> and malformed-request errors to problem details with a 4xx
/// status; anything else is a bug, logged once and answered with a 500 that reveals nothing. Empty 404/405 answers from
/// routing become problem details too.
/// </summary>
internal sealed class ProblemMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger _logger;

    public ProblemMiddleware(RequestDelegate next, ILogger logger)
    {
        _next = next;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await _next(context);
            int status = context.Response.StatusCode;
            if (status is >= 400 and < 600 && !context.Response.HasStarted && context.Response.ContentLength is null && context.Response.ContentType is null)
            {
                // Routing answered (no such resource, wrong method, wrong media type) without a body.
                string path = KmsService.Truncate(context.Request.Path.Value);
                (string code, string detail) = status switch
                {
                    404 => ("NotFound", $"There is no resource at '{path}'; see /openapi/v1.json."),
                    405 => ("MethodNotAllowed", $"'{path}' does not accept {KmsService.Truncate(context.Request.Method)}; see /openapi/v1.json."),
                    415 => ("InvalidRequest", $"'{path}' takes an application/json body; the request sent '{KmsService.Truncate(context.Request.ContentType ?? "none")}'."),
                    _ => ("InvalidRequest", $"The request to '{path}' was refused ({status})."),
                };
                await Problems.WriteAsync(context, status, code, detail);
            }
        }
        catch (KmsException exception) when (!context.Response.HasStarted)
        {
            int status = Problems.StatusOf(exception.Code);
            string code = exception.Code.ToString();
            string path = KmsService.Truncate(context.Request.Path.Value);
            _logger.RequestRefused(context.Request.Method, path, status, code);
            await Problems.WriteAsync(context, status, code, exception.Message);
        }
        catch (BadHttpRequestException exception) when (!context.Response.HasStarted)
        {
            string path = KmsService.Truncate(context.Request.Path.Value);
            _logger.RequestRefused(context.Request.Method, path, exception.StatusCode, nameof(KmsErrorCode.InvalidRequest));
            await Problems.WriteAsync(context, exception.StatusCode, nameof(KmsErrorCode.InvalidRequest), exception.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            string path = KmsService.Truncate(context.Request.Path.Value);
            _logger.RequestFailed(exception, context.Request.Method, path);
            await Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, "InternalError", "The server failed unexpectedly; the error is in its log.");
        }
    }
}

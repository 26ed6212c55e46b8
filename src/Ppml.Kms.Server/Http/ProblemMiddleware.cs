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
            if (context.Response.StatusCode is 404 or 405 && !context.Response.HasStarted && context.Response.ContentLength is null)
            {
                string detail = context.Response.StatusCode == 404
                    ? $"There is no resource at '{KmsService.Truncate(context.Request.Path.Value)}'; see /openapi/v1.json."
                    : $"'{KmsService.Truncate(context.Request.Path.Value)}' does not accept {KmsService.Truncate(context.Request.Method)}; see /openapi/v1.json.";
                await Problems.WriteAsync(context, context.Response.StatusCode, context.Response.StatusCode == 404 ? "NotFound" : "MethodNotAllowed", detail);
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

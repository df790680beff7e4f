using System.Text.Json.Serialization;

namespace FedSharp.Server.Redis;

/// <summary>
/// Source-generated JSON for what the Redis stores keep as JSON: no reflection at run time, enums as their names so a
/// value read with <c>redis-cli</c> explains itself.
/// </summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(RoundStateDocument))]
internal sealed partial class RedisJsonContext : JsonSerializerContext;

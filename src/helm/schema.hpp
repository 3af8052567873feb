// values.schema.json validation as helm v4.1.4 runs it before rendering (chartutil
// ValidateAgainstSchema): the top chart's coalesced values against its schema, then each
// subchart's values table against the subchart's schema, recursively. JSON Schema keywords
// checked (drafts 4 to 2020-12, as charts write them): type, enum, const, properties,
// patternProperties, additionalProperties, required, min/maxProperties, propertyNames,
// dependentRequired, items (schema or tuple), prefixItems, additionalItems, contains,
// min/maxItems, uniqueItems, minimum/maximum, exclusiveMinimum/Maximum (number and draft-4
// boolean forms), multipleOf, min/maxLength (code points), pattern (ECMAScript regex; a
// pattern it cannot read is not checked), allOf, anyOf, oneOf, not, if/then/else, local
// $ref (`#`, `#/definitions/...`, `#/$defs/...`), boolean schemas. `format` is not asserted;
// remote $refs are not followed (they accept anything).
//
// Error: `values don't meet the specifications of the schema(s) in the following chart(s):`
// then per failing chart `NAME:` and one `- at '/json/pointer': what` line per violation.
// A schema that is not JSON: `NAME: cannot read values.schema.json: ...`.
//
// Thread safety: pure function.
#pragma once

#include "core/error.hpp"
#include "core/node.hpp"
#include "helm/chart.hpp"

namespace plumb::helm {

Result<void> validate_values_schema(const Chart& chart, const Node& values);

}  // namespace plumb::helm

// Private to the sprig module: one registration function per group of functions, each in
// its own file. functions() (sprig.cpp) calls them all.
#pragma once

#include "gotemplate/template.hpp"

namespace plumb::sprig {

// strings.cpp: trim*, upper/lower/title/untitle, repeat, substr, nospace, trunc, abbrev*,
// initials, randAlpha*/randNumeric/randAscii, wrap*, contains, hasPrefix/hasSuffix, quote,
// squote, cat, indent, nindent, replace, plural, snakecase/camelcase/kebabcase, swapcase,
// shuffle, split/splitList/splitn, join, sortAlpha, toString, toStrings, regex*, b64*/b32*,
// sha1sum/sha256sum/sha512sum/adler32sum, htpasswd, encryptAES/decryptAES, uuidv4,
// gen*/derivePassword/buildCustomCert/genPrivateKey/..., urlParse/urlJoin, osBase/osDir/...
void add_string_functions(gotemplate::FuncMap& funcs);

// collections.cpp: list/tuple, first/rest/last/initial, append/push/prepend, concat, reverse,
// uniq, without, has, compact, slice, chunk, mustX variants; dict, get, set, unset, hasKey,
// pluck, dig, merge/mergeOverwrite (mustX), keys, pick, omit, values, deepCopy; default,
// empty, coalesce, all, any, ternary, fromJson/toJson/toPrettyJson/toRawJson (mustX);
// add/sub/mul/div/mod/max/min/add1/floor/ceil/round/addf.../seq/until/untilStep; atoi,
// int/int64/float64, toDecimal; now/date/dateInZone/dateModify/ago/duration/durationRound/
// toDate/unixEpoch/htmlDate...; semver/semverCompare; kindOf/kindIs/typeOf/typeIs/
// typeIsLike/deepEqual; getHostByName; fail is Helm's.
void add_collection_functions(gotemplate::FuncMap& funcs);

}  // namespace plumb::sprig

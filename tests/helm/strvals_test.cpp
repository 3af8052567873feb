#include "helm/strvals.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"

namespace plumb::helm {
namespace {

struct Case {
  const char* set;
  const char* json;  // the map as JSON, or the error when it starts with "!"
};

void check(const Case& c, Result<void> (*parse)(std::string_view, Node&)) {
  Node values = Node::map();
  auto r = parse(c.set, values);
  if (c.json[0] == '!') {
    ASSERT_FALSE(r) << c.set;
    EXPECT_EQ(r.error().message(), c.json + 1) << c.set;
    return;
  }
  ASSERT_TRUE(r) << c.set << ": " << r.error().message();
  EXPECT_EQ(to_json(values), c.json) << c.set;
}

// Facts from Helm's pkg/strvals parser_test.go and from helm v4.1.4 (`--set` printed with
// toJson .Values).
TEST(Strvals, Set) {
  const Case cases[] = {
      {"name1=value1", R"({"name1":"value1"})"},
      {"name1=value1,name2=value2", R"({"name1":"value1","name2":"value2"})"},
      {"name1=value1,name2=value2,", R"({"name1":"value1","name2":"value2"})"},
      {"leading_zeros=00009", R"({"leading_zeros":"00009"})"},
      {"zero_int=0", R"({"zero_int":0})"},
      {"long_int=1234567890", R"({"long_int":1234567890})"},
      {"boolean=true", R"({"boolean":true})"},
      {"is_null=null", R"({"is_null":null})"},
      {"name1=null,f=false,t=true", R"({"name1":null,"f":false,"t":true})"},
      {"plus=+5,minus=-3,float=1.5,exp=1e3,hex=0x1F",
       R"({"plus":5,"minus":-3,"float":"1.5","exp":"1e3","hex":"0x1F"})"},
      {"big=12345678901234567890", R"({"big":"12345678901234567890"})"},
      {"TRUE=True", R"({"TRUE":true})"},
      {"name1=,name2=value2", R"({"name1":"","name2":"value2"})"},
      {"name1=one\\,two,name2=three\\,four", R"({"name1":"one,two","name2":"three,four"})"},
      {"name1=one\\=two", R"({"name1":"one=two"})"},
      {"name1=one=two", R"({"name1":"one=two"})"},
      {"outer.inner=value", R"({"outer":{"inner":"value"}})"},
      {"outer.middle.inner=value", R"({"outer":{"middle":{"inner":"value"}}})"},
      {"outer.inner1=value,outer.inner3=value3",
       R"({"outer":{"inner1":"value","inner3":"value3"}})"},
      {"outer.inner1=value,outer.inner2={a,b}",
       R"({"outer":{"inner1":"value","inner2":["a","b"]}})"},
      {"name1.name2=one\\,two", R"({"name1":{"name2":"one,two"}})"},
      {"dotted\\.key=v", R"({"dotted.key":"v"})"},
      {"annotations.example\\.com/team=platform",
       R"({"annotations":{"example.com/team":"platform"}})"},
      {"list[0]=foo", R"({"list":["foo"]})"},
      {"list[0].foo=bar", R"({"list":[{"foo":"bar"}]})"},
      {"list[0].foo=bar,list[0].hello=world", R"({"list":[{"foo":"bar","hello":"world"}]})"},
      {"list[0]=foo,list[1]=bar", R"({"list":["foo","bar"]})"},
      {"list[0]=foo,list[1]=bar,", R"({"list":["foo","bar"]})"},
      {"list[0]=foo,list[3]=bar", R"({"list":["foo",null,null,"bar"]})"},
      {"list[0]=foo,list[1]=bar,list[0]=baz", R"({"list":["baz","bar"]})"},
      {"nested[0][0]=1", R"({"nested":[[1]]})"},
      {"nested[1][1]=1", R"({"nested":[null,[null,1]]})"},
      {"nested[0].inner[1].k=v", R"({"nested":[{"inner":[null,{"k":"v"}]}]})"},
      {"list[0]={a,b}", R"({"list":[["a","b"]]})"},
      {"name1={value1,value2}", R"({"name1":["value1","value2"]})"},
      {"name1={value1,value2},name2=x", R"({"name1":["value1","value2"],"name2":"x"})"},
      {"list={a\\,b,c}", R"({"list":["a,b","c"]})"},
      {"emptyCurly={},x={a},y={a,}", R"({"emptyCurly":[""],"x":["a"],"y":["a",""]})"},
      {"=1", "{}"},
      {"x=", R"({"x":""})"},
      {"path=C:\\\\dir", R"({"path":"C:\\dir"})"},
      {"brackets=[x]", R"({"brackets":"[x]"})"},
      {"novalue", R"(!key "novalue" has no value)"},
      {"a=1,b", R"(!key "b" has no value)"},
      {"z=1,,w=2", R"(!key "" has no value (cannot end with ,))"},
      {"name1,name2=", R"(!key "name1" has no value (cannot end with ,))"},
      {"a..b=1", R"(!key map "a" has no value)"},
      {"a[-1]=x", "!negative -1 index not allowed"},
      {"l[70000]=x", "!index of 70000 is greater than maximum supported index of 65536"},
      {"l[x]=1", R"(!error parsing index: strconv.Atoi: parsing "x": invalid syntax)"},
      {"name1={value1,value2", "!list must terminate with '}'"},
      {"a.b=1,a[0]=1",
       "!unable to parse key: interface conversion: interface {} is map[string]interface {}, "
       "not []interface {}"},
      {"l[0]=1,l.b=1",
       "!unable to parse key: interface conversion: interface {} is []interface {}, not "
       "map[string]interface {}"},
      {"a=null,a.b=1",
       "!unable to parse key: interface conversion: interface {} is nil, not "
       "map[string]interface {}"},
  };
  for (const auto& c : cases)
    check(c, parse_set);
}

TEST(Strvals, SetString) {
  const Case cases[] = {
      {"a=1,b=true,c=null,d=007", R"({"a":"1","b":"true","c":"null","d":"007"})"},
      {"list={1,2}", R"({"list":["1","2"]})"},
  };
  for (const auto& c : cases)
    check(c, parse_set_string);
}

TEST(Strvals, SetJson) {
  const Case cases[] = {
      {R"(num=1234567)", R"({"num":1234567})"},
      {R"(obj={"n": 100000},b=true)", R"({"obj":{"n":100000},"b":true})"},
      {R"(list=[1,"a"],e=)", R"({"list":[1,"a"],"e":null})"},
      {R"(l[1]={"a":1})", R"({"l":[null,{"a":1}]})"},
      {R"(s="x,y")", R"({"s":"x,y"})"},
  };
  for (const auto& c : cases)
    check(c, parse_set_json);
  Node v = Node::map();
  ASSERT_TRUE(parse_set_json("big=12345678901234567890", v));
  EXPECT_TRUE(v["big"].is_float());
  Node n = Node::map();
  ASSERT_TRUE(parse_set_json("n=5", n));
  EXPECT_TRUE(n["n"].is_float());  // JSON numbers are float64
  Node bad = Node::map();
  EXPECT_FALSE(parse_set_json("a={bad", bad));
  EXPECT_FALSE(parse_set_json("c=1 x", bad));
}

TEST(Strvals, SetLiteral) {
  const Case cases[] = {
      {"lit=a,b=c\\,{d}", R"({"lit":"a,b=c\\,{d}"})"},
      {"nested.key=[1,2]", R"({"nested":{"key":"[1,2]"}})"},
      {"list[1]=x,y", R"({"list":[null,"x,y"]})"},
      {"list[0]x=1", R"(!unexpected data at end of array index: "x")"},
      {"novalue", R"(!key "novalue" has no value)"},
  };
  for (const auto& c : cases)
    check(c, parse_set_literal);
}

TEST(Strvals, SetFileReadsEachPath) {
  SetFileReader reader = [](std::string_view path) -> Result<std::string> {
    if (path == "missing") return fail("open missing: no such file or directory");
    return "content of " + std::string(path);
  };
  Node v = Node::map();
  ASSERT_TRUE(parse_set_file("a=x.txt,b.c=y.txt", v, reader));
  EXPECT_EQ(to_json(v), R"({"a":"content of x.txt","b":{"c":"content of y.txt"}})");
  auto r = parse_set_file("a=missing", v, reader);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "open missing: no such file or directory");
}

}  // namespace
}  // namespace plumb::helm

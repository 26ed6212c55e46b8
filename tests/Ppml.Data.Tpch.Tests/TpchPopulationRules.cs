namespace Ppml.Data.Tpch.Tests;

/// <summary>SQL that counts the rows violating each population rule.</summary>
public static class TpchPopulationRules
{
    public static TheoryData<string, string> All() => new()
    {
        // Keys and referential integrity (Clause 1.4.2).
        { "part keys are 1..SF*200000", "select count(*) from part where p_partkey < 1 or p_partkey > (select count(*) from part)" },
        { "part keys are unique", "select count(*) - count(distinct p_partkey) from part" },
        { "supplier keys are unique and dense", "select count(*) - count(distinct s_suppkey) + (max(s_suppkey) - count(*)) from supplier" },
        { "customer keys are unique and dense", "select count(*) - count(distinct c_custkey) + (max(c_custkey) - count(*)) from customer" },
        { "partsupp rows are 4 per part", "select count(*) from (select ps_partkey from partsupp group by ps_partkey having count(distinct ps_suppkey) <> 4)" },
        { "every part has partsupp rows", "select count(*) from part where p_partkey not in (select ps_partkey from partsupp)" },
        { "ps_suppkey follows dbgen's formula", "select count(*) from partsupp where ps_suppkey not in (select ((ps_partkey + i * ((select count(*) from supplier) // 4 + (ps_partkey - 1) // (select count(*) from supplier))) % (select count(*) from supplier)) + 1 from range(4) t(i))" },
        { "ps_suppkey in supplier", "select count(*) from partsupp where ps_suppkey not in (select s_suppkey from supplier)" },
        { "order keys are unique", "select count(*) - count(distinct o_orderkey) from orders" },
        { "order keys use 8 of every 32", "select count(*) from orders where (o_orderkey % 32) >= 8 or o_orderkey < 1" },
        { "order keys are dense in the sparse scheme", "select max(o_orderkey) - (((count(*) >> 3) << 5) | (count(*) & 7)) from orders" },
        { "o_custkey in customer", "select count(*) from orders where o_custkey not in (select c_custkey from customer)" },
        { "customers with key % 3 = 0 never order", "select count(*) from orders where o_custkey % 3 = 0" },
        { "l_orderkey in orders", "select count(*) from lineitem where l_orderkey not in (select o_orderkey from orders)" },
        { "every order has lines", "select count(*) from orders where o_orderkey not in (select l_orderkey from lineitem)" },
        { "lines per order are 1..7, numbered 1..n", "select count(*) from (select l_orderkey, count(*) n, min(l_linenumber) lo, max(l_linenumber) hi from lineitem group by l_orderkey) where n < 1 or n > 7 or lo <> 1 or hi <> n" },
        { "(l_partkey, l_suppkey) in partsupp", "select count(*) from lineitem l left join partsupp ps on ps.ps_partkey = l.l_partkey and ps.ps_suppkey = l.l_suppkey where ps.ps_partkey is null" },
        { "n_regionkey in region", "select count(*) from nation where n_regionkey not in (select r_regionkey from region)" },
        { "s_nationkey and c_nationkey in nation", "select (select count(*) from supplier where s_nationkey not in (select n_nationkey from nation)) + (select count(*) from customer where c_nationkey not in (select n_nationkey from nation))" },

        // Values (Clause 4.2.3).
        { "p_name is five distinct colors", "select count(*) from part where len(string_split(p_name, ' ')) <> 5 or len(list_distinct(string_split(p_name, ' '))) <> 5" },
        { "p_mfgr is Manufacturer#1..5 and p_brand extends it", "select count(*) from part where p_mfgr not similar to 'Manufacturer#[1-5]' or p_brand not similar to 'Brand#[1-5][1-5]' or substr(p_brand, 7, 1) <> substr(p_mfgr, 14, 1)" },
        { "p_size is 1..50", "select count(*) from part where p_size not between 1 and 50" },
        { "p_retailprice follows the formula", "select count(*) from part where p_retailprice * 100 <> 90000 + (p_partkey // 10) % 20001 + 100 * (p_partkey % 1000)" },
        { "p_type has 3 syllables from the lists", "select count(*) from part where split_part(p_type, ' ', 1) not in ('STANDARD','SMALL','MEDIUM','LARGE','ECONOMY','PROMO') or split_part(p_type, ' ', 2) not in ('ANODIZED','BURNISHED','PLATED','POLISHED','BRUSHED') or split_part(p_type, ' ', 3) not in ('TIN','NICKEL','BRASS','STEEL','COPPER')" },
        { "p_container has 2 syllables from the lists", "select count(*) from part where split_part(p_container, ' ', 1) not in ('SM','LG','MED','JUMBO','WRAP') or split_part(p_container, ' ', 2) not in ('CASE','BOX','BAG','JAR','PACK','PKG','CAN','DRUM')" },
        { "ps_availqty is 1..9999 and ps_supplycost 1.00..1000.00", "select count(*) from partsupp where ps_availqty not between 1 and 9999 or ps_supplycost not between 1.00 and 1000.00" },
        { "s_name and c_name are Supplier#/Customer# and 9 digits", "select (select count(*) from supplier where s_name <> 'Supplier#' || lpad(s_suppkey::varchar, 9, '0')) + (select count(*) from customer where c_name <> 'Customer#' || lpad(c_custkey::varchar, 9, '0'))" },
        { "phones start with 10 + nation key", "select (select count(*) from supplier where s_phone not similar to '[0-9]{2}-[1-9][0-9]{2}-[1-9][0-9]{2}-[1-9][0-9]{3}' or substr(s_phone, 1, 2)::int <> s_nationkey + 10) + (select count(*) from customer where c_phone not similar to '[0-9]{2}-[1-9][0-9]{2}-[1-9][0-9]{2}-[1-9][0-9]{3}' or substr(c_phone, 1, 2)::int <> c_nationkey + 10)" },
        { "account balances are -999.99..9999.99", "select (select count(*) from supplier where s_acctbal not between -999.99 and 9999.99) + (select count(*) from customer where c_acctbal not between -999.99 and 9999.99)" },
        { "c_mktsegment from the list", "select count(*) from customer where c_mktsegment not in ('AUTOMOBILE','BUILDING','FURNITURE','HOUSEHOLD','MACHINERY')" },
        { "addresses are 10..40 alphanumerics", "select (select count(*) from supplier where length(s_address) not between 10 and 40 or not regexp_full_match(s_address, '[0-9a-zA-Z ,]*')) + (select count(*) from customer where length(c_address) not between 10 and 40 or not regexp_full_match(c_address, '[0-9a-zA-Z ,]*'))" },
        { "o_orderdate is STARTDATE..ENDDATE-151", "select count(*) from orders where o_orderdate not between date '1992-01-01' and date '1998-08-02'" },
        { "o_orderpriority and o_clerk", "select count(*) from orders where o_orderpriority not in ('1-URGENT','2-HIGH','3-MEDIUM','4-NOT SPECIFIED','5-LOW') or o_clerk not similar to 'Clerk#[0-9]{9}' or substr(o_clerk, 7)::int not between 1 and greatest(1000, (select count(*) from supplier) // 10) or o_shippriority <> 0" },
        { "o_totalprice follows dbgen's integer formula", "select count(*) from orders o join (select l_orderkey, sum(floor(floor(l_extendedprice * 100 * (100 - l_discount * 100) / 100) * (100 + l_tax * 100) / 100)) cents from lineitem group by l_orderkey) t on t.l_orderkey = o.o_orderkey where o.o_totalprice * 100 <> t.cents" },
        // Each line's two truncations to cents lose less than 1.08 + 1 cents.
        { "o_totalprice is sum(l_extendedprice * (1 + l_tax) * (1 - l_discount)), truncated per line", "select count(*) from orders o join (select l_orderkey, sum(l_extendedprice * (1 + l_tax) * (1 - l_discount)) total, count(*) n from lineitem group by l_orderkey) t on t.l_orderkey = o.o_orderkey where t.total - o.o_totalprice not between 0 and 0.0208 * t.n" },
        { "o_orderstatus is F, O or P from the line statuses", "select count(*) from orders o join (select l_orderkey, bool_and(l_linestatus = 'F') all_f, bool_and(l_linestatus = 'O') all_o from lineitem group by l_orderkey) t on t.l_orderkey = o.o_orderkey where o.o_orderstatus <> case when all_f then 'F' when all_o then 'O' else 'P' end" },
        { "l_quantity 1..50, l_discount 0.00..0.10, l_tax 0.00..0.08", "select count(*) from lineitem where l_quantity not between 1 and 50 or l_discount not between 0.00 and 0.10 or l_tax not between 0.00 and 0.08" },
        { "l_extendedprice is quantity * retail price", "select count(*) from lineitem join part on p_partkey = l_partkey where l_extendedprice <> l_quantity * p_retailprice" },
        { "ship date is order date + 1..121", "select count(*) from lineitem join orders on o_orderkey = l_orderkey where l_shipdate - o_orderdate not between 1 and 121" },
        { "commit date is order date + 30..90", "select count(*) from lineitem join orders on o_orderkey = l_orderkey where l_commitdate - o_orderdate not between 30 and 90" },
        { "receipt date is ship date + 1..30", "select count(*) from lineitem where l_receiptdate - l_shipdate not between 1 and 30" },
        { "dates are within STARTDATE..ENDDATE", "select count(*) from lineitem where l_shipdate > date '1998-12-31' or l_receiptdate > date '1998-12-31' or l_shipdate < date '1992-01-02'" },
        { "returnflag is R or A once received by CURRENTDATE, else N", "select count(*) from lineitem where (l_receiptdate <= date '1995-06-17' and l_returnflag not in ('R','A')) or (l_receiptdate > date '1995-06-17' and l_returnflag <> 'N')" },
        { "linestatus is F once shipped by CURRENTDATE, else O", "select count(*) from lineitem where l_linestatus <> case when l_shipdate <= date '1995-06-17' then 'F' else 'O' end" },
        { "ship instructions and modes from the lists", "select count(*) from lineitem where l_shipinstruct not in ('DELIVER IN PERSON','COLLECT COD','TAKE BACK RETURN','NONE') or l_shipmode not in ('REG AIR','AIR','RAIL','TRUCK','MAIL','FOB','SHIP')" },

        // Comment lengths: dbgen's TEXT(avg) gives [0.4 avg, 1.6 avg] characters (Clause 4.2.2.10).
        { "p_comment 5..22", "select count(*) from part where length(p_comment) not between 5 and 22" },
        { "s_comment 25..100", "select count(*) from supplier where length(s_comment) not between 25 and 100" },
        { "ps_comment 49..198", "select count(*) from partsupp where length(ps_comment) not between 49 and 198" },
        { "c_comment 29..116", "select count(*) from customer where length(c_comment) not between 29 and 116" },
        { "o_comment 19..78", "select count(*) from orders where length(o_comment) not between 19 and 78" },
        { "l_comment 10..43", "select count(*) from lineitem where length(l_comment) not between 10 and 43" },
        { "n_comment and r_comment 28..115", "select (select count(*) from nation where length(n_comment) not between 28 and 115) + (select count(*) from region where length(r_comment) not between 28 and 115)" },
        { "comments use the grammar's alphabet", "select count(*) from (select c_comment t from customer union all select o_comment from orders union all select l_comment from lineitem) where not regexp_full_match(t, '[a-zA-Z ,.;:?!-]*')" },
    };
}

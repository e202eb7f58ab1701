-- The facts of the seed article as records, each citing the paragraph (line of
-- the seed file, see sources.lua) that states it. Derived numbers are never here.
-- Dates are ISO text; a date the article gives without a year keeps the year NA.
local F = {}

-- kind: country | province | city | district | company | institution | park | person | product | organisation
-- | programme
-- names: every spelling the article uses (id = Indonesian text as written), the
-- English name, and the Chinese name.
F.entities = {
  { id = "china", kind = "country", names = { en = { "China" }, id = { "Tiongkok" }, zh = { "中国" } }, src = 44 },
  { id = "anhui", kind = "province", names = { en = { "Anhui" }, id = { "Anhui", "Provinsi Anhui" }, zh = { "安徽" } }, src = 3 },
  { id = "hebei", kind = "province", names = { en = { "Hebei" }, id = { "Hebei" }, zh = { "河北" } }, src = 40 },
  { id = "fujian", kind = "province", names = { en = { "Fujian" }, id = { "Fujian" }, zh = { "福建" } }, src = 41 },
  { id = "shandong", kind = "province", names = { en = { "Shandong" }, id = { "Shandong" }, zh = { "山东" } }, src = 47 },
  { id = "shanxi", kind = "province", names = { en = { "Shanxi" }, id = { "Shanxi" }, zh = { "山西" } }, src = 47 },
  { id = "beijing", kind = "city", names = { en = { "Beijing" }, id = { "Beijing" }, zh = { "北京" } }, src = 18 },
  { id = "shanghai", kind = "city", names = { en = { "Shanghai" }, id = { "Shanghai" }, zh = { "上海" } }, src = 25 },
  { id = "shenzhen", kind = "city", names = { en = { "Shenzhen" }, id = { "Shenzhen" }, zh = { "深圳" } }, src = 18 },
  { id = "hangzhou", kind = "city", names = { en = { "Hangzhou" }, id = { "Hangzhou", "Kota Hangzhou" }, zh = { "杭州" } }, src = 18 },
  { id = "hefei", kind = "city", province = "anhui", names = { en = { "Hefei" }, id = { "Hefei" }, zh = { "合肥" } }, src = 11 },
  { id = "xian", kind = "city", names = { en = { "Xi'an" }, id = { "Xi'an" }, zh = { "西安" } }, src = 40 },
  { id = "jinan", kind = "city", province = "shandong", names = { en = { "Jinan" }, id = { "Jinan" }, zh = { "济南" } }, src = 41 },
  { id = "wuhan", kind = "city", names = { en = { "Wuhan" }, id = { "Wuhan" }, zh = { "武汉" } }, src = 41 },
  { id = "nanjing", kind = "city", names = { en = { "Nanjing" }, id = { "Nanjing" }, zh = { "南京" } }, src = 41 },
  { id = "zhengzhou", kind = "city", names = { en = { "Zhengzhou" }, id = { "Zhengzhou" }, zh = { "郑州" } }, src = 40 },
  { id = "haikou", kind = "city", names = { en = { "Haikou" }, id = { "Haikou" }, zh = { "海口" } }, src = 47 },
  { id = "linping", kind = "district", city = "hangzhou",
    names = { en = { "Linping District" }, id = { "Distrik Linping" }, zh = { "临平区" } }, src = 20 },
  { id = "iflytek", kind = "company", names = {
      en = { "iFLYTEK", "iFlytek", "HKUST Xunfei", "Keda Xunfei", "HKUST iFlytek", "HKUST" },
      id = { "iFLYTEK", "iFlytek", "HKUST Xunfei", "Keda Xunfei", "HKUST iFlytek", "HKUST" },
      zh = { "科大讯飞" } }, src = 5 },
  { id = "baidu", kind = "company", names = { en = { "Baidu" }, id = { "Baidu" }, zh = { "百度" } }, src = 13 },
  { id = "tencent", kind = "company", names = { en = { "Tencent" }, id = { "Tencent" }, zh = { "腾讯" } }, src = 13 },
  { id = "alibaba", kind = "company", names = { en = { "Alibaba", "Ali" }, id = { "Alibaba", "Ali" }, zh = { "阿里巴巴" } },
    src = 18 },
  { id = "alibaba_cloud", kind = "company", parent = "alibaba",
    names = { en = { "Alibaba Cloud" }, id = { "Alibaba Cloud" }, zh = { "阿里云" } }, src = 13 },
  { id = "huawei", kind = "company", names = { en = { "Huawei" }, id = { "Huawei" }, zh = { "华为" } }, src = 32 },
  { id = "qihoo360", kind = "company", names = { en = { "360" }, id = { "360" }, zh = { "三六零" } }, src = 32 },
  { id = "cmri", kind = "institution", names = { en = { "China Mobile Research Institute" },
      id = { "China Mobile Research Institute" }, zh = { "中国移动研究院" } }, src = 32 },
  { id = "cambricon", kind = "company", names = { en = { "Cambricon", "Cambrian" }, id = { "Cambrian" }, zh = { "寒武纪" } },
    src = 17 },
  { id = "cxmt", kind = "company", names = { en = { "Changxin Storage" }, id = { "Changxin Storage" },
      zh = { "长鑫存储" } }, src = 17 },
  { id = "ponyai", kind = "company", names = { en = { "Pony.ai" }, id = { "Pony.ai" }, zh = { "小马智行" } }, src = 21 },
  { id = "shenzhen_intl", kind = "company", names = { en = { "Shenzhen International Holdings" },
      id = { "Shenzhen International Holdings Co., Ltd." }, zh = { "深圳国际控股" } }, src = 19 },
  { id = "shanghai_ai_lab", kind = "institution", names = {
      en = { "Shanghai Artificial Intelligence Laboratory", "Shanghai AI Lab" },
      id = { "Laboratorium Kecerdasan Buatan Shanghai", "Shanghai Artificial Intelligence" },
      zh = { "上海人工智能实验室" } }, src = 32 },
  { id = "china_voice_valley", kind = "park", city = "hefei", names = {
      en = { "China Voice Valley", "China Sound Valley" }, id = { "China Voice Valley", "China Sound Valley" },
      zh = { "中国声谷" } }, src = 10 },
  { id = "shenzhen_smart_park", kind = "park", city = "shenzhen", names = {
      en = { "Shenzhen International Smart Park" }, id = { "Shenzhen International Smart Park" } }, src = 19 },
  { id = "beijing_av_zone", kind = "park", city = "beijing", names = {
      en = { "Beijing autonomous driving demonstration zone" }, id = { "zona demonstrasi mengemudi otonom" } }, src = 21 },
  { id = "national_data_bureau", kind = "institution", names = { en = { "National Data Bureau" },
      id = { "Biro Data Nasional" }, zh = { "国家数据局" } }, src = 3 },
  { id = "anhui_data_bureau", kind = "institution", province = "anhui", names = {
      en = { "Anhui Provincial Data Resources Administration" },
      id = { "Biro Administrasi Sumber Daya Data Provinsi Anhui" }, zh = { "安徽省数据资源管理局" } }, src = 4 },
  { id = "ai_standard_group", kind = "organisation", names = {
      en = { "National Artificial Intelligence Standardization General Group" },
      id = { "Kelompok Umum Standardisasi Kecerdasan Buatan Nasional" }, zh = { "国家人工智能标准化总体组" } }, src = 32 },
  { id = "standards_committee", kind = "organisation", names = { en = { "National Standardization Committee" },
      id = { "Komite Standar Nasional" }, zh = { "国家标准化管理委员会" } }, src = 32 },
  { id = "shanghai_data_exchange", kind = "institution", city = "shanghai", names = {
      en = { "Shanghai Data Exchange" }, id = { "Shanghai Data Exchange" }, zh = { "上海数据交易所" } }, src = 28 },
  { id = "iimedia", kind = "organisation", names = { en = { "iiMedia Consulting" }, id = { "iiMedia Consulting" },
      zh = { "艾媒咨询" } }, src = 44 },
  { id = "silicon_lab", kind = "organisation", names = { en = { "Silicon-based Research Lab" },
      id = { "Laboratorium Penelitian Berbasis Silikon", "Kantor Penelitian Berbasis Silikon" }, zh = { "硅基研究室" } },
    src = 1 },
  { id = "waic", kind = "organisation", names = { en = { "World Artificial Intelligence Conference", "WAIC" },
      id = { "WAIC", "Konferensi Kecerdasan Buatan Dunia" }, zh = { "世界人工智能大会" } }, src = 32 },
  { id = "zhu_cheng", kind = "person", names = { en = { "Zhu Cheng" }, id = { "Zhu Cheng" } }, src = 4 },
  { id = "liu_qingfeng", kind = "person", names = { en = { "Liu Qingfeng" }, id = { "Liu Qingfeng" }, zh = { "刘庆峰" } },
    src = 5 },
  { id = "li_jinbin", kind = "person", names = { en = { "Li Jinbin" }, id = { "Li Jinbin" }, zh = { "李锦斌" } }, src = 16 },
  { id = "spark2", kind = "product", names = { en = { "Spark Cognitive Model 2.0" }, id = { "Spark Cognitive Model 2.0" },
      zh = { "讯飞星火认知大模型2.0" } }, src = 5 },
  { id = "anhui_party_committee", kind = "organisation", province = "anhui", names = {
      en = { "Anhui Provincial Party Committee" }, id = { "Komite Partai Provinsi Anhui" }, zh = { "中共安徽省委" } },
    src = 16 },
  { id = "taobao_villages", kind = "programme", parent = "alibaba", names = { en = { "Taobao Villages" },
      id = { "Desa Taobao" }, zh = { "淘宝村" } }, src = 46 },
  -- the page around the article: image credit, the articles it cites, the host's disclaimer, its byline
  { id = "ai_tanpa_batas", kind = "product", names = { en = { "AI Tanpa Batas" }, id = { "AI Tanpa Batas" } },
    src = 2 },
  { id = "urban_evolution", kind = "organisation", names = { en = { "Urban Evolution Theory" },
      id = { "Teori Evolusi Perkotaan" } }, src = 55 },
  { id = "gate", kind = "company", names = { en = { "Gate" }, id = { "Gate" } }, src = 58 },
  { id = "bai_jiajiamei", kind = "person", names = { en = { "Bai Jiajiamei" }, id = { "Bai Jiajiamei" } }, src = 60 },
  { id = "nelayan", kind = "person", names = { en = { "Nelayan" }, id = { "Nelayan" } }, src = 60 },
}

-- indicator: definition as the article words it; unit; the level it is measured at
F.indicators = {
  ai_related_enterprises = { unit = "firms", level = "city", src = 36,
    definition = "AI-related enterprises (perusahaan terkait AI), a count; not 'core AI enterprises'" },
  ai_related_enterprises_added = { unit = "firms", level = "city", src = 37,
    definition = "AI-related enterprises added up to the stated year; the starting year is not stated" },
  ai_industry_output = { unit = "CNY", level = "city", src = 30,
    definition = "output value of AI-related industries (nilai keluaran industri terkait kecerdasan buatan)" },
  core_ai_industry_scale = { unit = "CNY", level = "country", src = 44,
    definition = "scale of the core AI industry (skala industri inti kecerdasan buatan), per iiMedia Consulting" },
}

-- value exactly as the passage states it (parse_numbers must find it there)
F.metrics = {
  { entity = "beijing", indicator = "ai_related_enterprises", year = 2016, value = 39800, kind = "actual", src = 36 },
  { entity = "shenzhen", indicator = "ai_related_enterprises", year = 2016, value = 36100, kind = "actual", src = 36 },
  { entity = "shanghai", indicator = "ai_related_enterprises", year = 2016, value = 26500, kind = "actual", src = 36 },
  { entity = "shenzhen", indicator = "ai_related_enterprises", year = 2023, value = 63800, kind = "actual", src = 37 },
  { entity = "beijing", indicator = "ai_related_enterprises", year = 2023, value = 47800, kind = "actual", src = 37 },
  { entity = "shenzhen", indicator = "ai_related_enterprises_added", year = 2023, value = 42600, kind = "actual", src = 37 },
  { entity = "shanghai", indicator = "ai_industry_output", value = 382.1e9, kind = "actual", approx = true, src = 30,
    year_note = "the article gives no year for the output values" },
  { entity = "beijing", indicator = "ai_industry_output", value = 227e9, kind = "actual", src = 30,
    year_note = "the article gives no year for the output values" },
  { entity = "shenzhen", indicator = "ai_industry_output", value = 248.8e9, kind = "actual", src = 30,
    year_note = "the article gives no year for the output values" },
  { entity = "china", indicator = "core_ai_industry_scale", year = 2020, value = 150e9, kind = "actual", src = 44 },
  { entity = "china", indicator = "core_ai_industry_scale", year = 2025, value = 400e9, kind = "forecast", src = 44 },
}

-- published: ISO date; period: the years the document covers
F.policies = {
  { id = "voice_valley_plan", kind = "plan", jurisdiction = "hefei", published = "2017-12-29",
    period_from = 2018, period_to = 2025, src = 11, date_src = 12,
    title_id = "Rencana Pengembangan Basis Industri Suara Cerdas dan Kecerdasan Buatan China (Hefei) "
      .. "(China Voice Valley) (2018-2025)",
    title_en = "Development Plan of the China (Hefei) Intelligent Voice and AI Industry Base (China Voice Valley) "
      .. "(2018-2025)" },
  { id = "anhui_ai_plan", kind = "plan", jurisdiction = "anhui", published = "2018-05-11",
    period_from = 2018, period_to = 2030, src = 15, date_src = 15,
    title_id = "Rencana Pengembangan Industri Kecerdasan Buatan Generasi Baru Provinsi Anhui (2018-2030)",
    title_en = "Anhui Province New Generation AI Industry Development Plan (2018-2030)" },
  { id = "genai_interim_measures", kind = "law", jurisdiction = "china", src = 51,
    title_id = "Tindakan Sementara untuk Pengelolaan Layanan Kecerdasan Buatan Generatif",
    title_en = "Interim Measures for the Management of Generative AI Services" },
  { id = "cybersecurity_law", kind = "law", jurisdiction = "china", src = 51,
    title_id = "Undang-undang Keamanan Jaringan", title_en = "Cybersecurity Law" },
  { id = "data_security_law", kind = "law", jurisdiction = "china", src = 51,
    title_id = "Undang-undang Keamanan Data", title_en = "Data Security Law" },
  { id = "pipl", kind = "law", jurisdiction = "china", src = 51,
    title_id = "Undang-undang Perlindungan Informasi Pribadi", title_en = "Personal Information Protection Law" },
  { id = "hangzhou_ai_doc", kind = "plan", jurisdiction = "hangzhou", src = 25,
    title_en = "Hangzhou's document promoting the AI industry (its data-management chapter)" },
  { id = "beijing_ai_doc", kind = "plan", jurisdiction = "beijing", src = 25,
    title_en = "Beijing's document promoting the AI industry (its data-management chapter)" },
  { id = "shanghai_ai_doc", kind = "plan", jurisdiction = "shanghai", src = 25,
    title_en = "Shanghai's document promoting the AI industry (its data-management chapter)" },
}

-- every passage that names a policy or law, with the words it uses (the
-- article names the generative-AI measures twice, in two wordings)
F.policy_mentions = {
  { policy = "voice_valley_plan", src = 11, as_written = "Rencana Pengembangan Basis Industri Suara Cerdas dan "
    .. "Kecerdasan Buatan China (Hefei) (China Voice Valley) (2018-2025)" },
  { policy = "voice_valley_plan", src = 12, as_written = "Dokumen ini" },
  { policy = "voice_valley_plan", src = 14, as_written = "dokumen ini" },
  { policy = "anhui_ai_plan", src = 15,
    as_written = "Rencana Pengembangan Industri Kecerdasan Buatan Generasi Baru Provinsi Anhui (2018-2030)" },
  { policy = "genai_interim_measures", src = 5,
    as_written = "Langkah Sementara untuk Manajemen Layanan Kecerdasan Buatan Generatif" },
  { policy = "genai_interim_measures", src = 51,
    as_written = "Tindakan Sementara untuk Pengelolaan Layanan Kecerdasan Buatan Generatif" },
  { policy = "cybersecurity_law", src = 51, as_written = "Undang-undang Keamanan Jaringan" },
  { policy = "data_security_law", src = 51, as_written = "Undang-undang Keamanan Data" },
  { policy = "pipl", src = 51, as_written = "Undang-undang Perlindungan Informasi Pribadi" },
  { policy = "hangzhou_ai_doc", src = 25, as_written = "dokumen Hangzhou, Beijing, dan Shanghai" },
  { policy = "beijing_ai_doc", src = 25, as_written = "dokumen Hangzhou, Beijing, dan Shanghai" },
  { policy = "shanghai_ai_doc", src = 25, as_written = "dokumen Hangzhou, Beijing, dan Shanghai" },
}

-- targets a policy sets (value as stated; comparator: at least / more than)
F.targets = {
  { policy = "voice_valley_plan", year = 2025, what = "companies valued above 50 billion yuan", count = 1,
    threshold = 50e9, unit = "CNY", comparator = "more than", src = 12 },
  { policy = "voice_valley_plan", year = 2025, what = "companies valued at 10 billion yuan", count = 2,
    threshold = 10e9, unit = "CNY", comparator = "at", src = 12 },
  { policy = "voice_valley_plan", year = 2025, what = "companies incubated", count = 500, unit = "firms", src = 12 },
}

-- market-value thresholds that named companies have passed (src 17): "iFlytek,
-- Cambrian, Changxin Storage, etc. ... 100 million, even 100 billion". Which
-- company passed which is not said, nor the currency (yuan is implied).
F.thresholds = {
  { id = "market_value_100m", what = "market value threshold passed", value = 100e6, unit = "CNY",
    unit_stated = false, companies = { "iflytek", "cambricon", "cxmt" }, src = 17,
    note = "the lower of the two thresholds; the article lists the companies with 'etc.'" },
  { id = "market_value_100b", what = "market value threshold passed", value = 100e9, unit = "CNY",
    unit_stated = false, companies = { "iflytek", "cambricon", "cxmt" }, src = 17,
    note = "'even 100 billion': passed by some of the companies, which ones is not said" },
}

-- date: ISO when the article gives a full date; else month/day with year NA
F.events = {
  { id = "ev_platforms", date = "2017-11-17", precision = "day", src = 13,
    what = "first batch of national new-generation AI open innovation platforms named",
    entities = { "iflytek", "baidu", "alibaba_cloud", "tencent" } },
  { id = "ev_voice_valley_plan", date = "2017-12-29", precision = "day", src = 12, policy = "voice_valley_plan",
    what = "China Voice Valley development plan published", entities = { "hefei", "anhui" } },
  { id = "ev_anhui_plan", date = "2018-05-11", precision = "day", src = 15, policy = "anhui_ai_plan",
    what = "Anhui's new-generation AI industry plan (2018-2030) released", entities = { "anhui" } },
  { id = "ev_li_jinbin", year = 2020, precision = "year", src = 16,
    what = "Anhui party secretary calls for strengthening leaders such as iFLYTEK",
    entities = { "li_jinbin", "anhui", "iflytek" } },
  { id = "ev_visit", month = 8, day = 11, precision = "day", src = 3,
    year_note = "the article gives 11 August without a year",
    what = "Anhui data bureau delegation reports to the National Data Bureau",
    entities = { "zhu_cheng", "anhui_data_bureau", "national_data_bureau", "anhui" } },
  { id = "ev_spark2", after = "ev_visit", after_days = 4, precision = "day", src = 5,
    year_note = "given only as four days after the 11 August visit",
    what = "iFLYTEK releases Spark Cognitive Model 2.0", entities = { "iflytek", "spark2", "liu_qingfeng" } },
  { id = "ev_task_force", precision = "year", src = 32, year_note = "during this year's WAIC; the year is not stated",
    what = "first national large-model standardization task force announced, led by Shanghai AI Lab with "
      .. "Alibaba, iFLYTEK, 360, Huawei and China Mobile Research Institute",
    entities = { "waic", "ai_standard_group", "standards_committee", "shanghai_ai_lab", "alibaba", "iflytek",
      "qihoo360", "huawei", "cmri" } },
  { id = "ev_compute_centers", month_from = 7, month_to = 8, precision = "month", src = 41,
    year_note = "July and August; the year is not stated",
    what = "compute centers invested in and completed", entities = {} },
}

-- platform domains of the first national open innovation platforms (src 13)
F.platforms = {
  { company = "iflytek", domain = "intelligent voice", src = 13 },
  { company = "baidu", domain = "autonomous driving", src = 13 },
  { company = "alibaba_cloud", domain = "city brain", src = 13 },
  { company = "tencent", domain = "medical imaging", src = 13 },
}

-- place <-> company or institution, and what binds them
F.ties = {
  { place = "anhui", party = "iflytek", tie = "champion", how = "raised 'like a child' by the Anhui government", src = 9 },
  { place = "hefei", party = "iflytek", tie = "champion", how = "Hefei has Keda Xunfei", src = 33 },
  { place = "anhui", party = "cambricon", tie = "named in policy", how = "named in Anhui's policy documents", src = 17 },
  { place = "anhui", party = "cxmt", tie = "named in policy", how = "named in Anhui's policy documents", src = 17 },
  { place = "beijing", party = "baidu", tie = "champion", how = "the same story as Anhui and iFLYTEK", src = 18 },
  { place = "shenzhen", party = "tencent", tie = "champion", how = "the same story as Anhui and iFLYTEK", src = 18 },
  { place = "hangzhou", party = "alibaba", tie = "champion", how = "the same story as Anhui and iFLYTEK", src = 18 },
  { place = "beijing", party = "qihoo360", tie = "champion", how = "Beijing has 360", src = 33 },
  { place = "beijing", party = "cmri", tie = "champion", how = "Beijing has China Mobile Research Institute", src = 33 },
  { place = "shenzhen", party = "huawei", tie = "champion", how = "Shenzhen has Huawei", src = 33 },
  { place = "shanghai", party = "shanghai_ai_lab", tie = "research institution",
    how = "Shanghai has only a new R&D institution, no large company", src = 33 },
  { place = "shenzhen", party = "tencent", tie = "partnership", with = "shenzhen_intl",
    how = "Shenzhen International Holdings and Tencent build the Shenzhen International Smart Park", src = 19 },
  { place = "linping", party = "alibaba", tie = "partnership",
    how = "strategic cooperation: a future smart-manufacturing zone and digital agriculture", src = 20 },
  { place = "beijing", party = "baidu", tie = "partnership", with = "beijing_av_zone",
    how = "landing scenarios in Beijing's autonomous-driving demonstration zone", src = 21 },
  { place = "beijing", party = "ponyai", tie = "partnership", with = "beijing_av_zone",
    how = "landing scenarios in Beijing's autonomous-driving demonstration zone", src = 21 },
  { place = "shandong", party = "baidu", tie = "data labeling base", how = "Baidu built a data-labeling base", src = 47 },
  { place = "shanxi", party = "baidu", tie = "data labeling base", how = "Baidu built a data-labeling base", src = 47 },
  { place = "haikou", party = "baidu", tie = "data labeling base", how = "Baidu built a data-labeling base", src = 47 },
}

-- the places the article lists for July-August compute centers, in its order
F.compute_centers = {
  { place = "hebei", src = 41 }, { place = "jinan", src = 41 }, { place = "beijing", src = 41 },
  { place = "wuhan", src = 41 }, { place = "fujian", src = 41 }, { place = "nanjing", src = 41 },
  { place = "shanghai", src = 41 }, { place = "zhengzhou", src = 41 },
}

-- the data-management chapters compared (src 25-28)
F.themes = {
  { theme = "open data sharing and data circulation markets", cities = { "hangzhou", "beijing", "shanghai" },
    kind = "shared", src = 26 },
  { theme = "improving regulations; legal, compliant channels to use the city's Internet databases",
    cities = { "hangzhou" }, kind = "distinct", src = 27 },
  { theme = "upgrading core hardware and software", cities = { "hangzhou" }, kind = "distinct", src = 27 },
  { theme = "Shanghai Data Exchange and big-data labs take part in the industry", cities = { "shanghai" },
    kind = "distinct", src = 28 },
  { theme = "fair use of open data by small and medium firms and individual developers", cities = { "shanghai" },
    kind = "distinct", src = 28 },
  { theme = "activating private capital investment in AI", cities = { "shanghai" }, kind = "distinct", src = 28 },
}

-- The article's checkable claims as assertions over the data; modu.data.check()
-- evaluates them (the verdict is computed, never stored).
F.claims = {
  { id = "leader_2016", src = 36, says = "In 2016 Beijing led in AI-related enterprises",
    test = { kind = "leader", indicator = "ai_related_enterprises", year = 2016, expected = "beijing" } },
  { id = "leader_2023", src = 37, says = "In 2023 Shenzhen's count passed Beijing's",
    test = { kind = "leader", indicator = "ai_related_enterprises", year = 2023, expected = "shenzhen" } },
  { id = "shanghai_output_highest", src = 30,
    says = "Shanghai's AI-related output value is higher than Beijing's and Shenzhen's",
    test = { kind = "greater", indicator = "ai_industry_output", entity = "shanghai", than = { "beijing", "shenzhen" } } },
  { id = "shenzhen_addition", src = 37,
    says = "Shenzhen reached 63,800 with an addition of 42,600 enterprises",
    test = { kind = "difference", indicator = "ai_related_enterprises", entity = "shenzhen", from = 2016, to = 2023,
      expected_indicator = "ai_related_enterprises_added", expected_year = 2023 } },
  { id = "overtook_within_6_years", src = 35, says = "Shenzhen overtook Beijing within 6 years",
    test = { kind = "crossing_within", indicator = "ai_related_enterprises", a = "shenzhen", b = "beijing",
      years = 6 } },
  { id = "compute_nine_cities", src = 41, says = "9 cities invested in and completed compute centers in July and August",
    test = { kind = "count_cities", table = "compute_centers", expected = 9 } },
  { id = "platforms_month_before_plan", src = 13,
    says = "the platforms were named on 17 November 2017, more than a month before the plan",
    test = { kind = "interval", from = "ev_platforms", to = "ev_voice_valley_plan", op = ">", days = 30 } },
  { id = "half_year_to_anhui_plan", src = 15, says = "after half a year, Anhui's plan followed",
    test = { kind = "interval", from = "ev_voice_valley_plan", to = "ev_anhui_plan", op = "~", days = 182.6,
      tolerance = 0.15 } },
  { id = "spark_four_days_later", src = 5, says = "four days after the visit, iFLYTEK released Spark 2.0",
    test = { kind = "interval", from = "ev_visit", to = "ev_spark2", op = "=", days = 4 } },
  { id = "shanghai_no_large_company", src = 33,
    says = "Shanghai has a new R&D institution but no large company, unlike Beijing, Shenzhen, Hangzhou and Hefei",
    test = { kind = "no_champion", place = "shanghai", others = { "beijing", "shenzhen", "hangzhou", "hefei" } } },
  { id = "three_other_platforms", src = 13,
    says = "besides iFLYTEK's, three other platforms were named: Baidu, Alibaba Cloud and Tencent",
    test = { kind = "count_others", table = "platforms", column = "company", except = "iflytek", expected = 3 } },
  { id = "hundred_models", src = 6, says = "behind the battle of 100 models is a battle between cities",
    test = { kind = "unverifiable",
      why = "the data has no count of large models; '100 models' (the 百模大战) is a figure of speech" } },
  { id = "shenzhen_density_crown", src = 35, says = "Shenzhen won the crown of AI 'density'",
    test = { kind = "unverifiable", why = "the data has no area or population, so no density can be computed" } },
  { id = "laws_last_six_months", src = 51,
    says = "in the last six months these laws became the first threshold for large models",
    test = { kind = "unverifiable", why = "the article gives no dates for the laws" } },
}

return F
